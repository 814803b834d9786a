"""Getting a decided credential: read again from the variables it is held in, taken from
the token cache, or fetched from the vendor under the cache's lock, and checked."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.model import Credential, Problem
from uvcreds.pipeline.decide import Decision, Result
from uvcreds.pipeline.environment import RecordingEnviron
from uvcreds.pipeline.settings import Resolved
from uvcreds.providers import PROVIDERS
from uvcreds.providers.base import timeout
from uvcreds.state import cache, secure
from uvcreds.state.digests import sha256_hex
from uvcreds.state.paths import Locations

USE, DUE, FORCE = "use", "due", "force"
Warn = Callable[[str], None]


def cache_key(item: Resolved) -> str:
    """Whose token this is: provider, URL, settings and the environment that picks the identity."""
    provider = PROVIDERS[item.provider or ""]
    identity = {
        "provider": item.provider,
        "url": item.index.display_url,
        "settings": {k: str(v) for k, v in sorted(item.settings.values.items())},
        "env": {name: item.settings.environ.get(name) for name in provider.IDENTITY_ENV},
    }
    return sha256_hex(json.dumps(identity, sort_keys=True).encode())


def usable_cache(locations: Locations, result: Result) -> str | None:
    """The cache directory, or None (and a warning) when another user could read or plant
    files in it: then it is neither read nor written, and tokens are minted and not kept."""
    try:
        secure.check_directory(locations.cache_dir, cache.WHAT)
    except UvcredsError as exc:
        result.problems.append(Problem(f"{exc}; nothing is kept there", is_error=False))
        return None
    return locations.cache_dir


def obtain(
    decision: Decision,
    tokens: dict[str, cache.Entry],
    environ: RecordingEnviron,
    directory: str | None,
    mode: str,
    due_keys: list[str],
    warn: Warn,
    progress: Warn,
) -> None:
    """The chosen index's credential: read from its variables, or from the cache (None: a
    cache that cannot be used), or fetched."""
    item = decision.chosen
    assert item is not None and item.provider is not None
    provider = PROVIDERS[item.provider]
    log(
        "index %r: %s, provider %s, settings from %s",
        item.index.name,
        item.index.display_url,
        item.provider,
        item.settings.origin,
    )
    describe = {"index": item.index.name, "url": item.index.display_url, "provider": item.provider}
    if decision.held_in is not None:  # the user's own secret, as they set it
        decision.credential = provider.fetch(item.index, item.settings)
        return
    key = decision.key = cache_key(item)
    entry = tokens.get(key)
    now = time.time()
    if mode == USE and entry is not None and cache.usable(entry, now):
        log("index %r: cached token, due %s", item.index.name, cache.due(entry, now))
        if cache.due(entry, now):
            due_keys.append(key)
        decision.credential = Credential(entry["username"], entry["password"], entry["expires_at"])
        decision.due_at = float(entry["due_at"])
        return
    log("index %r: fetching (%s)", item.index.name, mode)
    credential = cache.obtain(
        directory,
        key,
        describe,
        lambda: validated(provider.fetch(item.index, item.settings), describe),
        force=mode == FORCE,
        wait=timeout(environ),
        warn=warn,
        progress=progress,
    )
    decision.credential = credential
    if credential.expires_at is not None:
        decision.due_at = cache.due_at(time.time(), credential.expires_at)


def validated(credential: Credential, describe: Mapping[str, str]) -> Credential:
    """A vendor's (or a program's) answer, checked before anything is cached or exported:
    text uv can send, and for a token, an expiry still more than a minute away."""
    where = f"index {describe['index']!r}: {describe['provider']} gave"
    for what, text in (("username", credential.username), ("token", credential.password)):
        if not isinstance(text, str) or (what == "token" and not text):
            raise UvcredsError(f"{where} no {what}; nothing is exported")
        if "\r" in text or "\n" in text or not cache.is_text(text):
            raise UvcredsError(f"{where} a {what} uv cannot send; nothing is exported")
    if ":" in credential.username:
        raise UvcredsError(f"{where} a username with ':', which Basic auth cannot carry")
    expires = credential.expires_at
    if expires is not None:
        left = expires - time.time()
        if not expires < 1e11:  # NaN, infinite, or past what the cache can hold
            raise UvcredsError(f"{where} a token with an impossible expiry; nothing is exported")
        if left < cache.EXPORT_MARGIN:
            state = "already expired" if left <= 0 else f"expiring in {left:.0f}s"
            raise UvcredsError(f"{where} a token {state}; nothing is exported")
    return credential


def refresh_in_background(cwd: Path, script: Path | None, environ: Mapping[str, str]) -> None:
    """Start a detached `uvcreds refresh --due` so this run prints the still-valid token now."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "uvcreds", "refresh", "--due"]
    if script is not None:
        argv += ["--script", str(script)]
    try:
        subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(environ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        pass  # the token is still valid; the next run starts the refresh again


def token_state(decision: Decision, tokens: Mapping[str, cache.Entry]) -> tuple[str, float | None]:
    """For status: fresh / refresh due / expired / none, and when it expires."""
    if decision.chosen is None:
        return "none needed", None
    if decision.held_in is not None:
        held = decision.chosen.settings.secret(decision.held_in.password_env) is not None
        return f"secret from {decision.held_in.password_env} ({'set' if held else 'missing'})", None
    entry = tokens.get(cache_key(decision.chosen))
    if entry is None:
        return "none", None
    now = time.time()
    expires = float(entry["expires_at"])
    state = (
        "expired"
        if not cache.usable(entry, now)
        else "refresh due"
        if cache.due(entry, now)
        else "fresh"
    )
    return f"{state}, {cache.expiry_text(expires)}", expires
