"""The token cache: one JSON document per user, read without a lock, written under one.

Only tokens a vendor minted are kept here, never a secret the user already holds. Readers
never lock; a refresh takes the lock, reads again, and fetches only if the token is still
due, so any number of shells refreshing at once make one request per index. Writes go to a
temporary file renamed into place, so a reader sees the old document or the new, never half.

Imported by the fast path: the standard library and fastjson only, at module level.
"""

from __future__ import annotations

import os
import stat
import time

from uvcreds import fastjson
from uvcreds.errors import UvcredsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    # {"index", "url", "provider", "username", "password", "fetched_at", "expires_at", "due_at"}
    Entry = dict[str, Any]

    from uvcreds.providers.base import Credential

TOKENS_FILE = "tokens.json"
LOCK_FILE = "tokens.lock"
VERSION = 1
# Never export a token with less than this left: uv may run for a while after it reads it.
EXPORT_MARGIN = 60.0
# Refresh in the last quarter of a token's life, and at least this long before it expires.
REFRESH_AHEAD = 300.0
DEFAULT_TIMEOUT = 30.0
# "No token falls due" (the largest Unix time a 32-bit shell clock compares).
NEVER = 2**31 - 1


def usable(entry: Entry, now: float) -> bool:
    return float(entry["expires_at"]) - now >= EXPORT_MARGIN


def due(entry: Entry, now: float) -> bool:
    return now >= float(entry["due_at"])


def due_at(fetched_at: float, expires_at: float) -> float:
    return expires_at - max(REFRESH_AHEAD, (expires_at - fetched_at) / 4)


def check_directory(directory: str) -> None:
    """Refuse a cache another user could read or plant: not ours, shared-writable, or a link."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UvcredsError(f"{directory}: the cache must be a real directory, not a link or file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UvcredsError(f"{directory}: the cache belongs to another user; remove it")
    if info.st_mode & 0o022:
        raise UvcredsError(f"{directory}: the cache is writable by others; run chmod 700 on it")


def load(directory: str) -> tuple[dict[str, Entry], str | None]:
    """The cached tokens, and a warning when the file was unreadable or corrupt (then empty)."""
    path = os.path.join(directory, TOKENS_FILE)
    check_directory(directory)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        raise UvcredsError(f"{path}: cannot read the cache: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise UvcredsError(f"{path}: the cache file belongs to another user; remove it")
        raw = stream.read()
    try:
        document = fastjson.loads(raw.decode("utf-8"))
        tokens = _valid_tokens(document)
    except (ValueError, UnicodeDecodeError):
        return {}, f"{path}: the token cache was corrupt and is ignored; it will be rewritten"
    return tokens, None


def _valid_tokens(document: object) -> dict[str, Entry]:
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise ValueError("not a uvcreds token cache")
    tokens = document.get("tokens")
    if not isinstance(tokens, dict):
        raise ValueError("no tokens table")
    return {key: entry for key, entry in tokens.items() if _valid_entry(entry)}


def _valid_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in ("username", "password", "index"))
        and all(_valid_time(entry.get(k)) for k in ("expires_at", "due_at", "fetched_at"))
    )


def _valid_time(value: object) -> bool:
    """A Unix time this code can do arithmetic and gmtime() on: not NaN, infinite or absurd."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e11


def timeout(environ: Mapping[str, str]) -> float:
    raw = environ.get("UVCREDS_TIMEOUT", "")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise UvcredsError(f"UVCREDS_TIMEOUT={raw!r} is not a number of seconds") from None


def obtain(
    directory: str,
    key: str,
    describe: dict[str, str],
    fetch: Callable[[], Credential],
    *,
    force: bool,
    wait: float,
    warn: Callable[[str], None],
) -> Credential:
    """A cached token if one is usable (and, unless `force`, not due), else a new one.

    Takes the lock, reads again, and fetches only if no other process has meanwhile; waits
    at most `wait` seconds in all. A failed fetch keeps the token that is still usable.
    """
    from filelock import Timeout

    started = time.time()
    _make_directory(directory)
    try:
        with _locked(directory, started + wait, describe, warn):
            tokens, _ = load(directory)  # corrupt: the caller's lock-free read warned once
            entry = tokens.get(key)
            now = time.time()
            fresh_enough = entry is not None and usable(entry, now)
            fetched_by_another = entry is not None and float(entry.get("fetched_at", 0)) >= started
            wanted_new = force or (entry is not None and due(entry, now))
            if entry is not None and fresh_enough and (fetched_by_another or not wanted_new):
                return _credential(entry)
            try:
                credential = _fetch_within(fetch, started + wait - time.time(), describe, warn)
            except UvcredsError as exc:
                if entry is not None and fresh_enough:
                    warn(f"{exc}; the cached token is kept")
                    return _credential(entry)
                raise
            if credential.expires_at is not None:
                tokens[key] = _entry(credential, describe, time.time())
                _write(directory, tokens)
            return credential
    except Timeout:
        raise UvcredsError(
            f"index {describe['index']!r}: another uvcreds held the cache lock for {wait:g}s "
            "(UVCREDS_TIMEOUT); try again"
        ) from None


def _locked(
    directory: str, deadline: float, describe: dict[str, str], warn: Callable[[str], None]
) -> Any:
    """The cache lock, acquired by the deadline (else filelock's Timeout); says so once it
    has waited a second for another uvcreds that is fetching."""
    from filelock import FileLock, Timeout

    lock = FileLock(os.path.join(directory, LOCK_FILE), mode=0o600)
    try:
        return lock.acquire(timeout=min(1.0, max(deadline - time.time(), 0.01)))
    except Timeout:
        if deadline - time.time() <= 0:
            raise
    warn(
        f"waiting for another uvcreds to get a token for index {describe['index']!r} "
        f"(at most {deadline - time.time():.0f}s more)"
    )
    return lock.acquire(timeout=max(deadline - time.time(), 0.01))


def _credential(entry: Entry) -> Credential:
    from uvcreds.providers.base import Credential

    return Credential(entry["username"], entry["password"], float(entry["expires_at"]))


def _fetch_within(
    fetch: Callable[[], Credential],
    seconds: float,
    describe: dict[str, str],
    warn: Callable[[str], None],
) -> Credential:
    """Run fetch in a daemon thread, so a vendor that never answers cannot hold us past the
    limit; say what we wait for once it takes longer than a second."""
    import threading

    outcome: list[Credential | BaseException] = []

    def run() -> None:
        try:
            outcome.append(fetch())
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    deadline = time.monotonic() + max(seconds, 0.01)
    worker.start()
    worker.join(min(1.0, max(seconds, 0.01)))
    if not outcome and time.monotonic() < deadline:
        warn(
            f"waiting for {describe['provider']} to give a token for index "
            f"{describe['index']!r} (at most {deadline - time.monotonic():.0f}s more)"
        )
        worker.join(deadline - time.monotonic())
    if not outcome:
        raise UvcredsError(
            f"index {describe['index']!r}: no answer from {describe['provider']} within "
            f"{seconds:.0f}s (UVCREDS_TIMEOUT); check the network or raise the limit"
        )
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _entry(credential: Credential, describe: dict[str, str], now: float) -> Entry:
    assert credential.expires_at is not None
    return {
        **describe,
        "username": credential.username,
        "password": credential.password,
        "fetched_at": now,
        "expires_at": credential.expires_at,
        "due_at": due_at(now, credential.expires_at),
    }


def forget(directory: str, keys: set[str] | None) -> list[str]:
    """Drop the given tokens (all when None); returns the index names forgotten."""
    from filelock import FileLock

    if not os.path.isdir(directory):
        return []
    with FileLock(os.path.join(directory, LOCK_FILE), mode=0o600):
        tokens, _ = load(directory)
        dropped = [k for k in tokens if keys is None or k in keys]
        names = [str(tokens.pop(k)["index"]) for k in dropped]
        _write(directory, tokens)
    return names


def _make_directory(directory: str) -> None:
    os.makedirs(directory, mode=0o700, exist_ok=True)
    check_directory(directory)


def _write(directory: str, tokens: dict[str, Entry]) -> None:
    import json

    text = json.dumps({"version": VERSION, "tokens": tokens}, indent=1, sort_keys=True)
    write_atomically(os.path.join(directory, TOKENS_FILE), text, durable=True)


def write_atomically(path: str, text: str, *, durable: bool) -> None:
    """A temporary 0600 file in the same directory, renamed into place: readers see the old
    file or the new one, never half of one, and a failed write leaves nothing behind.
    `durable` syncs it to disk first, for what cannot be derived again (a minted token)."""
    import tempfile

    directory, name = os.path.split(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
