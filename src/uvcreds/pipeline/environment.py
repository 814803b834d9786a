"""The environment as the full path reads it, recorded, so a plan depends on what was read.

Every variable discovery, settings and providers look up (found or not) is remembered; the
plan stores a digest of each value, never the value (`UV_INDEX` may carry a password in a
URL), and the fast path trusts the plan only while every digest still matches. Secrets are
read through `secret()`, which is not recorded: the fast path reads them itself, live.

Iterating (to hand the environment to a child process) records nothing: that passes the
environment on, it decides nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from uvcreds.state.digests import digest


class RecordingEnviron(Mapping[str, str]):
    """A read-only view of an environment that remembers each variable looked up."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self.read: dict[str, str | None] = {}

    def __getitem__(self, key: str) -> str:
        value = self._environ.get(key)
        self.read.setdefault(key, value)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)

    def secret(self, key: str) -> str | None:
        """A variable holding a secret: read, not recorded."""
        return self._environ.get(key)

    def digests(self) -> dict[str, str | None]:
        """What a plan stores: each variable read, as a digest of its value then."""
        return {name: digest(value) for name, value in sorted(self.read.items())}
