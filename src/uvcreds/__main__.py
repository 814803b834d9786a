"""`uvcreds` and `python -m uvcreds`: the fast path when it can answer; for a plain
`export` or `hook` it cannot answer, the same commands without click; else the click CLI."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def main() -> int:
    try:
        return _main()
    except KeyboardInterrupt:  # Ctrl-C while a vendor is slow: one line, no second wait
        sys.stderr.write("uvcreds: interrupted\n")
        return 130


def _main() -> int:
    if sys.argv[1:2] == ["keyring"]:  # what uv runs per request: no click either
        from uvcreds.answers import keyring_main

        status = keyring_main(sys.argv[2:], os.environ, fast_only=False)
        if status != 2:  # 2: not the protocol's form; click says how it goes
            return status if status is not None else 1
    from uvcreds.hook import fast_command, run_fast

    try:
        status = run_fast(sys.argv[1:], os.environ)
    except (OSError, ValueError, UnicodeError, KeyError, TypeError):
        status = None  # the full path will meet the same problem and say it properly
    if status is not None:
        return status
    if len(sys.argv) == 4 and sys.argv[1] == "hook" and sys.argv[3] == "--store":
        from uvcreds.shells import SHELLS

        if sys.argv[2] in SHELLS:  # the store route's hook: no click either
            from uvcreds.commands import run_store_hook

            return run_store_hook(sys.argv[2])
    plain = fast_command(sys.argv[1:])
    if plain is not None or sys.argv[1:2] in (["exec"], ["refresh"]):
        _defer_to_a_fetch(os.environ)
    if plain is not None:  # the full path, without paying for click
        from uvcreds.commands import run_plain

        return run_plain(plain)
    from uvcreds.cli import main as cli_main

    return cli_main()


def _defer_to_a_fetch(environ: Mapping[str, str]) -> None:
    """The fast path could not answer, so this run may fetch. The first such run holds a
    hint lock until it exits; any other that starts meanwhile (32 shells opening at once)
    lowers its priority and leaves the CPU to that one, whose fetch they would all wait on.
    Only scheduling: the token cache's own lock decides who fetches."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock, no nice
        return
    from uvcreds import secure
    from uvcreds.errors import UvcredsError
    from uvcreds.paths import cache_dir

    directory = cache_dir(environ)
    try:
        secure.make_directory(directory, "token cache")  # the full path makes it anyway
        fd = os.open(
            os.path.join(directory, "fetching"),
            os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC,
            0o600,
        )
    except (OSError, UvcredsError):
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # kept (fd open) until this run ends
    except OSError:
        os.close(fd)
        os.nice(19)  # the lowest: the fetcher gets a whole CPU, however many wait


if __name__ == "__main__":
    sys.exit(main())
