"""`uvcreds` and `python -m uvcreds`: the fast path when it can answer, else the click CLI."""

from __future__ import annotations

import os
import sys


def main() -> int:
    from uvcreds.hook import run_fast

    try:
        status = run_fast(sys.argv[1:], os.environ)
    except Exception:
        status = None  # the full path will meet the same problem and say it properly
    if status is not None:
        return status
    from uvcreds.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
