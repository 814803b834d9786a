"""`--debug`: what was read and decided, one line each on stderr, never a secret.

Not the logging module: importing it costs the full path a tenth of its time, for
output almost no run asks for.
"""

from __future__ import annotations

from uvcreds.errors import say

enabled = False


def log(message: str, *args: object) -> None:
    if enabled:
        say(f"debug: {message % args}")
