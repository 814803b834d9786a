"""The one error type a user sees: a single line naming the file, index or variable and the fix."""

from __future__ import annotations

import sys


class UvcredsError(Exception):
    """A problem the user can act on; its message is shown as `uvcreds: <message>`, and the
    command exits with `status` (1, or a shell's 126/127 for a command that cannot run)."""

    def __init__(self, message: str, *, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def printable(text: str) -> str:
    """One line a terminal shows as it is: control and other unprintable characters from a
    hostile file (a URL, a table name) are written as Python escapes, never sent raw."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def say(message: str) -> None:
    """Every message uvcreds has for a person: one `uvcreds: ` line on stderr, written as it
    is in any terminal. The one writer of stderr (the fast path and the full path alike)."""
    sys.stderr.write(f"uvcreds: {printable(message)}\n")
    sys.stderr.flush()
