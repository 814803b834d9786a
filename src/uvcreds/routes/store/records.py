"""Which entries of uv's store uvcreds wrote: service, username, the sha256 of the token,
when it expires and for which index, per store file. An entry is uvcreds' only while uv's
store holds it with that digest; one the user replaced (or wrote) is never touched.

One JSON file, 0600, in uvcreds' data directory (0700, the user's: secure.py); written
under an advisory lock so two shells keeping the store at once lose no record.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from uvcreds.errors import UvcredsError
from uvcreds.state import secure

RECORDS_FILE = "uv-store-entries.json"
LOCK_FILE = "uv-store-entries.lock"
WHAT = "uvcreds data directory"
VERSION = 1


@dataclass(frozen=True)
class Record:
    store: str  # uv's credentials.toml it is in
    service: str  # as passed to `uv auth login` (a key of uvstore.service_key)
    username: str
    digest: str  # sha256 of the token: the entry is ours while uv's store has this one
    expires_at: float | None  # None: a secret the user holds, with no expiry
    index: str  # the index it was written for, for messages

    def key(self) -> tuple[str, str, str]:
        return (self.store, self.service, self.username)


def load(data_dir: str) -> tuple[list[Record], str | None]:
    """The records, and a warning when the file is unusable (then none: nothing is removed
    that uvcreds cannot show it wrote)."""
    path = os.path.join(data_dir, RECORDS_FILE)
    try:
        if not secure.check_directory(data_dir, WHAT):
            return [], None
        raw = secure.read_private(path, "uv store records")
    except UvcredsError as exc:
        return [], f"{exc}; uvcreds changes nothing in uv's store"
    if raw is None:
        return [], None
    try:
        document = json.loads(raw.decode("utf-8"))
        if document.get("version") != VERSION:
            raise ValueError("version")
        return [Record(**entry) for entry in document["entries"]], None
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        return [], f"{path}: not uvcreds' records; it is ignored and written anew"


def save(data_dir: str, records: list[Record]) -> None:
    document = {"version": VERSION, "entries": [asdict(record) for record in records]}
    secure.make_directory(data_dir, WHAT)
    data = json.dumps(document, indent=1, sort_keys=True).encode()
    secure.write_atomically(os.path.join(data_dir, RECORDS_FILE), data, durable=True)


@contextlib.contextmanager
def locked(data_dir: str) -> Iterator[None]:
    """Held while records are read, uv's store changed and records written back."""
    secure.make_directory(data_dir, WHAT)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(os.path.join(data_dir, LOCK_FILE), flags, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # Windows: msvcrt would do; the store route is for Unix shells
            pass
        yield
    finally:
        os.close(fd)
