"""`uvcreds` and `python -m uvcreds`: the fast path when it can answer; for a plain
`export` or `hook` it cannot answer, the same commands without click; else the click CLI."""

from __future__ import annotations

import os
import sys


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
    plain = fast_command(sys.argv[1:])
    if plain is not None:  # the full path, without paying for click
        from uvcreds.commands import run_plain

        return run_plain(plain)
    from uvcreds.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
