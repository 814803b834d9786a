"""The shell protocol (imported for type checking only; the fast path never loads typing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Shell(Protocol):
    """One shell: its snippet, and how it says "set these variables"."""

    # The snippet file in shell/ that `uvcreds init` prints.
    SNIPPET: str

    def hook(self, exe: str) -> str:
        """The snippet, with the uvcreds executable's absolute path quoted in."""
        ...

    def render(self, changes: Mapping[str, str | None]) -> str:
        """Code that exports each variable (None: unsets it), executing nothing else."""
        ...

    def render_watch(self, directory: str, stamp: str, due: int, watched: Sequence[str]) -> str:
        """Shell-local variables the snippet checks before it spends a process: the
        directory evaluated, a stamp file whose mtime is when, the Unix time the next
        token falls due, and the files whose change means "run uvcreds again"."""
        ...
