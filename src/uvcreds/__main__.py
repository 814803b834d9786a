"""`uvcreds` and `python -m uvcreds`: one dispatch for every way in (argv.py reads the
command lines the fast path serves; cli.py, click, all the others)."""

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
        from uvcreds.errors import say

        say("interrupted")
        return 130


def _main() -> int:
    """The fast path when it can answer; for a plain `export`, `hook` or `keyring get` it
    cannot, the same command's full path without click; anything else, click."""
    from uvcreds import argv

    command = argv.parse(sys.argv[1:])
    if command is None:
        if sys.argv[1:2] in (["exec"], ["refresh"]):
            _defer_to_a_fetch(os.environ)
        from uvcreds.cli import main as cli_main

        return cli_main()
    if isinstance(command, argv.KeyringGet):  # what uv runs per request
        from uvcreds.routes.keyring.answers import keyring_main

        return keyring_main(command, os.environ)
    from uvcreds.routes.env.hook import run_fast

    try:
        status = run_fast(command, os.environ)
    except (OSError, ValueError, UnicodeError, KeyError, TypeError):
        status = None  # the full path will meet the same problem and say it properly
    if status is not None:
        return status
    _defer_to_a_fetch(os.environ)
    from uvcreds.commands.plain import run_plain

    return run_plain(command)


def _defer_to_a_fetch(environ: Mapping[str, str]) -> None:
    """The fast path could not answer, so this run may fetch. The first such run holds a
    hint lock until it exits; any other that starts meanwhile (32 shells opening at once)
    lowers its priority and leaves the CPU to that one, whose fetch they would all wait on.
    Only scheduling: the token cache's own lock decides who fetches."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock, no nice
        return
    from uvcreds.errors import UvcredsError
    from uvcreds.state import secure
    from uvcreds.state.paths import cache_dir

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
