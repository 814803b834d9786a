"""The shell protocol (imported for type checking only; the fast path never loads typing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Shell(Protocol):
    """One shell: its snippet, and how it says "set these variables"."""

    # The snippet file in shell/ that `uvcreds init` prints.
    SNIPPET: str

    def hook(self, exe: str, *, keyring: bool, store: bool = False) -> str:
        """The snippet, with the uvcreds executable's absolute path quoted in; `keyring`
        makes it run `hook SHELL --keyring` (secret-free mode), `store` `hook SHELL --store`
        (uv's credential store)."""
        ...

    def render(self, changes: Mapping[str, str | None]) -> str:
        """Code that exports each variable (None: unsets it), executing nothing else."""
        ...

    def render_watch(
        self,
        directory: str,
        stamp: str,
        due: int,
        watched: Sequence[str],
        variables: Sequence[str],
    ) -> str:
        """Shell-local variables the snippet checks before it spends a process: the
        directory evaluated, a stamp file whose mtime is when, the Unix time of the next
        token falling due (or retry), the files whose change means "run uvcreds again", and
        the names of the variables holding secrets whose change means the same."""
        ...
