"""The one error type a user sees: a single line naming the file, index or variable and the fix."""

from __future__ import annotations


class UvcredsError(Exception):
    """A problem the user can act on; its message is shown as `uvcreds: <message>`."""
