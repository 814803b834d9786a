"""Trust for a project's own uvcreds settings, as direnv trusts an .envrc.

An allow covers the project as the user reached it: the workspace root's path as discovery
found it (a symlinked pyproject.toml is trusted for the link's directory, never through its
target's allow) and the contents of every project file discovery read (the pyproject.toml
files of root and members, a uv.toml, a script, settings further up). It is recorded under
sha256 of all of that, so any edit revokes it. A deny is recorded under sha256 of the path
and survives edits until the user allows again. Records are only believed when they are
regular files of ours in a store only we can write.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from uvcreds.errors import UvcredsError
from uvcreds.state import secure
from uvcreds.state.digests import sha256_hex

ALLOWED, DENIED, NOT_ALLOWED = "allowed", "denied", "not allowed"
STORE = "trust store"


class Project(Protocol):
    """What an allow is about (uv/discovery.py's Discovery is one)."""

    @property
    def trust_dir(self) -> Path: ...  # the directory as the user reached it

    @property
    def project_reads(self) -> Mapping[Path, bytes]: ...  # every project file, as read


def _content_hash(discovery: Project) -> str:
    parts = [b"uvcreds allow 2\n" + os.fsencode(discovery.trust_dir) + b"\n"]
    for path, data in sorted(discovery.project_reads.items()):
        parts.append(b"%s\n%d\n" % (os.fsencode(path), len(data)) + data)
    return sha256_hex(b"".join(parts))


def _path_hash(directory: Path) -> str:
    return sha256_hex(b"uvcreds deny 2\n" + os.fsencode(directory) + b"\n")


def records(discovery: Project, data_dir: str) -> tuple[str, str]:
    """The allow record for the project as it is now, and its deny record."""
    allow_dir, deny_dir = os.path.join(data_dir, "allow"), os.path.join(data_dir, "deny")
    return (
        os.path.join(allow_dir, _content_hash(discovery)),
        os.path.join(deny_dir, _path_hash(discovery.trust_dir)),
    )


def state(discovery: Project, data_dir: str) -> str:
    """ALLOWED, DENIED or NOT_ALLOWED; a store another user could write counts for nothing."""
    if not discovery.project_reads:
        return NOT_ALLOWED
    allowed, denied = records(discovery, data_dir)
    try:
        for sub in (data_dir, os.path.dirname(allowed), os.path.dirname(denied)):
            secure.check_directory(sub, STORE)
    except UvcredsError:
        return NOT_ALLOWED
    if secure.is_own_file(denied):
        return DENIED
    return ALLOWED if secure.is_own_file(allowed) else NOT_ALLOWED


def allow(discovery: Project, data_dir: str) -> None:
    allowed, denied = records(discovery, data_dir)
    _write(allowed, discovery.trust_dir)
    secure.unlink_own(denied)


def deny(discovery: Project, data_dir: str) -> None:
    allowed, denied = records(discovery, data_dir)
    _write(denied, discovery.trust_dir)
    allow_dir = os.path.dirname(allowed)
    for name in os.listdir(allow_dir) if os.path.isdir(allow_dir) else ():
        record = os.path.join(allow_dir, name)
        content = (
            secure.read_private(record, "allow record") if secure.is_own_file(record) else None
        )
        if content is not None and content.rstrip(b"\n") == os.fsencode(discovery.trust_dir):
            secure.unlink_own(record)


def _write(record: str, directory: Path) -> None:
    data_dir = os.path.dirname(os.path.dirname(record))
    secure.make_directory(data_dir, STORE)
    secure.make_directory(os.path.dirname(record), STORE)
    secure.write_atomically(record, os.fsencode(directory) + b"\n", durable=True)
