"""The token cache: one JSON document per user, read without a lock, written under one.

Only tokens a vendor minted are kept here, never a secret the user already holds. Readers
never lock; a refresh takes the lock, reads again, and fetches only if the token is still
due, so any number of shells refreshing at once make one request per index. Writes go to a
temporary file renamed into place, so a reader sees the old document or the new, never half.
A cache that cannot be used (refused, read-only, full) costs speed, never a token: the one
just minted is still handed out, with one line saying it was not kept.

Imported by the fast path: the standard library, fastjson and secure only, at module level.
"""

from __future__ import annotations

import os
import time

from uvcreds.errors import UvcredsError
from uvcreds.state import fastjson, secure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    # {"index", "url", "provider", "username", "password", "fetched_at", "expires_at", "due_at"}
    Entry = dict[str, Any]

    from uvcreds.model import Credential

TOKENS_FILE = "tokens.json"
LOCK_FILE = "tokens.lock"
WHAT = "token cache"
VERSION = 1
# Never export a token with less than this left: uv may run for a while after it reads it.
EXPORT_MARGIN = 60.0
# Refresh in the last quarter of a token's life, and at least this long before it expires.
REFRESH_AHEAD = 300.0
# "No token falls due" (the largest Unix time a 32-bit shell clock compares).
NEVER = 2**31 - 1


def usable(entry: Entry, now: float) -> bool:
    return float(entry["expires_at"]) - now >= EXPORT_MARGIN


def due(entry: Entry, now: float) -> bool:
    return now >= float(entry["due_at"])


def expiry_text(expires_at: float, now: float | None = None) -> str:
    """When a token expires, as status and doctor say it (with `now`: and how long is left)."""
    import time

    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expires_at))
    if now is None:
        return f"expires {when}"
    left = max(expires_at - now, 0)
    return f"expires {when} (in {int(left // 3600)}h {int(left % 3600 // 60)}m)"


def due_at(fetched_at: float, expires_at: float) -> float:
    return expires_at - max(REFRESH_AHEAD, (expires_at - fetched_at) / 4)


def load(directory: str) -> tuple[dict[str, Entry], str | None]:
    """The cached tokens, and a warning when the file was unreadable or corrupt (then empty).
    Raises UvcredsError when the directory is not safe to read."""
    if not secure.check_directory(directory, WHAT):
        return {}, None
    path = os.path.join(directory, TOKENS_FILE)
    try:
        raw = secure.read_private(path, WHAT)
    except UvcredsError as exc:
        return {}, f"{exc}; it is ignored"
    if raw is None:
        return {}, None
    try:
        return _valid_tokens(fastjson.loads(raw.decode("utf-8"))), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}, f"{path}: the token cache was corrupt and is ignored; it will be rewritten"


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
        and all(is_text(entry.get(k)) for k in ("username", "password", "index"))
        and all(_valid_time(entry.get(k)) for k in ("expires_at", "due_at", "fetched_at"))
    )


def is_text(value: object) -> bool:
    """Text uv can be handed: a string with no NUL that encodes as UTF-8."""
    if not isinstance(value, str) or "\0" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _valid_time(value: object) -> bool:
    """A Unix time this code can do arithmetic and gmtime() on: not NaN, infinite or absurd."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e11


def obtain(
    directory: str | None,
    key: str,
    describe: dict[str, str],
    fetch: Callable[[], Credential],
    *,
    force: bool,
    wait: float,
    warn: Callable[[str], None],
    progress: Callable[[str], None],
) -> Credential:
    """A cached token if one is usable (and, unless `force`, not due), else a new one.

    Takes the lock, reads again, and fetches only if no other process has meanwhile; waits
    at most `wait` seconds in all. A failed fetch keeps the token that is still usable.
    Without a usable cache directory (None: refused) the token is fetched and handed out
    uncached.
    """
    from filelock import Timeout

    started = time.time()
    if directory is None:
        return _fetch_within(fetch, wait, describe, progress)
    try:
        secure.make_directory(directory, WHAT)
        lock, fetched = _locked(directory, key, started, started + wait, describe, progress)
        if fetched is not None:
            return fetched
    except Timeout:  # an OSError too: caught first
        raise UvcredsError(
            f"index {describe['index']!r}: another uvcreds held the cache lock for {wait:g}s "
            "(UVCREDS_TIMEOUT); try again"
        ) from None
    except (UvcredsError, OSError) as exc:
        warn(f"{_reason(exc)}; the token is not kept")
        return _fetch_within(fetch, wait, describe, progress)
    assert lock is not None
    try:
        return _under_lock(directory, key, describe, fetch, started, force, wait, warn, progress)
    finally:
        lock.release()


def _under_lock(
    directory: str,
    key: str,
    describe: dict[str, str],
    fetch: Callable[[], Credential],
    started: float,
    force: bool,
    wait: float,
    warn: Callable[[str], None],
    progress: Callable[[str], None],
) -> Credential:
    """obtain's work once the lock is held: read again, maybe fetch, write."""
    tokens, _ = load(directory)  # corrupt: the caller's lock-free read warned once
    entry = tokens.get(key)
    now = time.time()
    fresh_enough = entry is not None and usable(entry, now)
    fetched_by_another = entry is not None and float(entry["fetched_at"]) >= started
    wanted_new = force or (entry is not None and due(entry, now))
    if entry is not None and fresh_enough and (fetched_by_another or not wanted_new):
        return _credential(entry)
    try:
        credential = _fetch_within(fetch, started + wait - time.time(), describe, progress)
    except UvcredsError as exc:
        if entry is not None and fresh_enough:
            if force:  # asked for a new one: that failed, and says so
                raise UvcredsError(f"{exc}; the cached token is kept") from None
            warn(f"{exc}; the cached token is kept")
            return _credential(entry)
        raise
    if credential.expires_at is not None:
        tokens[key] = _entry(credential, describe, time.time())
        _keep(directory, tokens, describe, warn)
    return credential


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{getattr(exc, 'filename', None) or 'the token cache'}: {exc.strerror}"
    return str(exc)


def _locked(
    directory: str,
    key: str,
    started: float,
    deadline: float,
    describe: dict[str, str],
    progress: Callable[[str], None],
) -> tuple[Any, Credential | None]:
    """The cache lock, acquired by the deadline (else filelock's Timeout), or the token
    another uvcreds fetched while this one waited, read without the lock (readers never
    lock: 32 waiters do not queue for the lock one after another once the fetch is done).
    Says so once it has waited a second."""
    from filelock import FileLock, Timeout

    lock = FileLock(os.path.join(directory, LOCK_FILE), mode=0o600)
    said = False
    while True:
        try:
            lock.acquire(timeout=min(0.05, max(deadline - time.time(), 0.01)))
            return lock, None
        except Timeout:
            entry = load(directory)[0].get(key)
            if entry is not None and entry["fetched_at"] >= started and usable(entry, time.time()):
                return None, _credential(entry)
            if deadline - time.time() <= 0:
                raise
        if not said and time.time() - started >= 1.0:
            said = True
            progress(
                f"waiting for another uvcreds to get a token for index {describe['index']!r} "
                f"(at most {deadline - time.time():.0f}s more)"
            )


def _credential(entry: Entry) -> Credential:
    from uvcreds.model import Credential

    return Credential(entry["username"], entry["password"], float(entry["expires_at"]))


def _fetch_within(
    fetch: Callable[[], Credential],
    seconds: float,
    describe: dict[str, str],
    progress: Callable[[str], None],
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
        progress(
            f"waiting for {describe['provider']} to give a token for index "
            f"{describe['index']!r} (at most {deadline - time.monotonic():.0f}s more)"
        )
        worker.join(max(deadline - time.monotonic(), 0.0))
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


def _keep(
    directory: str, tokens: dict[str, Entry], describe: dict[str, str], warn: Callable[[str], None]
) -> None:
    """Write the cache; a token that cannot be written (disk full, read-only) is still used."""
    try:
        _write(directory, tokens)
    except OSError as exc:
        warn(
            f"{os.path.join(directory, TOKENS_FILE)}: cannot save the token for index "
            f"{describe['index']!r} ({exc.strerror}); it is used now and asked for again next time"
        )


def forget(directory: str, keys: set[str] | None) -> list[str]:
    """Drop the given tokens (all when None); returns the index names forgotten."""
    from filelock import FileLock

    if not secure.check_directory(directory, WHAT):
        return []
    if not [k for k in load(directory)[0] if keys is None or k in keys]:
        return []  # nothing to forget: no lock taken, nothing written
    try:
        with FileLock(os.path.join(directory, LOCK_FILE), mode=0o600):
            tokens, _ = load(directory)
            dropped = [k for k in tokens if keys is None or k in keys]
            names = [str(tokens.pop(k)["index"]) for k in dropped]
            if dropped:
                _write(directory, tokens)
    except OSError as exc:
        raise UvcredsError(f"{_reason(exc)}; no token was forgotten") from None
    return names


def _write(directory: str, tokens: dict[str, Entry]) -> None:
    import json

    text = json.dumps({"version": VERSION, "tokens": tokens}, indent=1, sort_keys=True)
    secure.write_atomically(os.path.join(directory, TOKENS_FILE), text.encode(), durable=True)
