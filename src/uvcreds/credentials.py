"""The core: from a directory to the variables uv reads, for export, hook, exec and status."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from uvcreds import cache, envnames, paths, plan, trust
from uvcreds.config import (
    DISCOVERY_ENV,
    Discovery,
    Index,
    Problem,
    discover,
    redact,
    user_and_system_files,
)
from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.providers import PROVIDERS
from uvcreds.providers.base import Credential
from uvcreds.settings import Resolved, resolve

USE, DUE, FORCE = "use", "due", "force"


@dataclass
class Outcome:
    """One index: what it resolved to, and its credential or why there is none."""

    resolved: Resolved
    credential: Credential | None = None
    problem: str | None = None

    @property
    def index(self) -> Index:
        return self.resolved.index


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    discovery: Discovery = field(default_factory=Discovery)
    # Files whose change can change this result, and when the earliest token falls due.
    watched: list[str] = field(default_factory=list)
    due_at: float = cache.NEVER

    @property
    def ok(self) -> bool:
        return all(o.problem is None for o in self.outcomes) and not any(
            p.is_error for p in self.problems
        )

    def messages(self) -> list[str]:
        """Every problem, one line each; never a secret."""
        return [p.message for p in self.problems] + [
            o.problem for o in self.outcomes if o.problem is not None
        ]

    def variables(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for outcome in self.outcomes:
            if outcome.credential is not None:
                values[envnames.username_var(outcome.index.name)] = outcome.credential.username
                values[envnames.password_var(outcome.index.name)] = outcome.credential.password
        return values

    def publish_variables(self, name: str, environ: Mapping[str, str]) -> dict[str, str]:
        """`UV_PUBLISH_*` so `uv publish` and `uv publish --index NAME` upload there.

        The target is named by UV_PUBLISH_INDEX, not UV_PUBLISH_URL: uv refuses
        UV_PUBLISH_URL together with `--index`. An index without a `publish-url` is refused,
        or a plain `uv publish` would offer its credential to PyPI; so is a project's
        publish-url on another host than its index, until the project is allowed.
        """
        for outcome in self.outcomes:
            if outcome.index.name != name:
                continue
            if outcome.credential is None:
                raise UvcredsError(outcome.problem or f"index {name!r} needs no credentials")
            if not outcome.index.publish_url:
                raise UvcredsError(
                    f"--publish {name}: the index has no publish-url in {outcome.index.source}; "
                    "add one, so the credential goes nowhere else"
                )
            _check_publish_target(outcome.index, environ)
            return {
                "UV_PUBLISH_USERNAME": outcome.credential.username,
                "UV_PUBLISH_PASSWORD": outcome.credential.password,
                "UV_PUBLISH_INDEX": name,
            }
        known = ", ".join(o.index.name for o in self.outcomes) or "none"
        raise UvcredsError(f"--publish {name}: no such index here (found: {known})")


def _check_publish_target(index: Index, environ: Mapping[str, str]) -> None:
    """The credential goes to publish-url: on the index's own host, or where the user or an
    allowed project says."""
    assert index.publish_url is not None
    here, there = urlsplit(index.url), urlsplit(index.publish_url)
    if (here.scheme, here.hostname, here.port) == (there.scheme, there.hostname, there.port):
        return
    source = Path(index.source)
    if source in user_and_system_files(environ):
        return
    pyproject = source if source.name == "pyproject.toml" else source.parent / "pyproject.toml"
    if pyproject.is_file() and trust.state(pyproject, environ) == trust.ALLOWED:
        return
    raise UvcredsError(
        f"--publish {index.name}: its publish-url {redact(index.publish_url)} ({source}) is on "
        f"another host than its url; if that is right, run `uvcreds allow {source.parent}`"
    )


def cache_key(resolved: Resolved) -> str:
    """Whose token this is: provider, URL, settings and the environment that picks the identity."""
    provider = PROVIDERS[resolved.provider or ""]
    identity = {
        "provider": resolved.provider,
        "url": resolved.index.url,
        "settings": {k: str(v) for k, v in sorted(resolved.settings.values.items())},
        "env": {name: resolved.settings.environ.get(name) for name in provider.IDENTITY_ENV},
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def collect(
    cwd: Path,
    environ: Mapping[str, str],
    *,
    refresh: str = USE,
    names: set[str] | None = None,
    warn: Callable[[str], None],
) -> Result:
    """Credentials for every index at cwd.

    `refresh`: USE takes a usable cached token (starting a background refresh when it is due),
    DUE fetches the tokens of `names` (all when None) that are still due once the lock is
    held, FORCE fetches them anew whatever the cache holds.
    """
    started_ns = time.time_ns()
    discovery = discover(cwd, environ)
    resolved, problems = resolve(discovery, environ)
    result = Result(problems=discovery.problems + problems, discovery=discovery)
    result.watched = _watched(discovery, environ)
    directory = paths.cache_dir(environ)
    cache.check_directory(directory)  # it also holds the plans the fast path trusts
    tokens: dict[str, cache.Entry] = {}
    if any(_mints(item) for item in resolved):
        tokens, warning = cache.load(directory)
        if warning:
            warn(warning)
    due_keys: list[str] = []
    for item in resolved:
        log(
            "index %r: %s, provider %s, settings from %s",
            item.index.name,
            item.index.display_url,
            item.provider,
            item.settings.origin,
        )
        mode = refresh if names is None or item.index.name in names else USE
        outcome = Outcome(item)
        try:
            outcome.credential, due_at = _credential(
                item, tokens, directory, environ, mode, due_keys, warn
            )
            result.due_at = min(result.due_at, due_at)
        except UvcredsError as exc:
            outcome.problem = str(exc)
        result.outcomes.append(outcome)
    if due_keys:
        _refresh_in_background(cwd, environ)
    if result.ok and not result.problems:
        keys = {o.index.name: cache_key(o.resolved) for o in _minted(result)}
        plan.save(str(cwd), environ, result, keys, _plan_env(), result.watched, started_ns)
    return result


def _watched(discovery: Discovery, environ: Mapping[str, str]) -> list[str]:
    """Discovery's files, the user config, the project's trust records and its .env."""
    extra = [paths.config_file(environ)]
    for path in discovery.project_files:
        extra.extend(trust.watch_paths(path, environ))
    if discovery.project_dir is not None:
        extra.append(str(discovery.project_dir / ".env"))
    return list(dict.fromkeys(discovery.watched + extra))


def _plan_env() -> list[str]:
    """Environment variables a plan depends on: discovery's and each provider's identity."""
    names = [*DISCOVERY_ENV, "UVCREDS_CACHE_DIR", "UVCREDS_DATA_DIR"]
    for provider in PROVIDERS.values():
        names.extend(provider.IDENTITY_ENV)
    return names


def _mints(item: Resolved) -> bool:
    """Whether this index's provider mints tokens (cached) rather than reading a secret."""
    return item.provider is not None and PROVIDERS[item.provider].MINTS_TOKENS


def _minted(result: Result) -> list[Outcome]:
    return [o for o in result.outcomes if _mints(o.resolved)]


def _credential(
    item: Resolved,
    tokens: dict[str, cache.Entry],
    directory: str,
    environ: Mapping[str, str],
    mode: str,
    due_keys: list[str],
    warn: Callable[[str], None],
) -> tuple[Credential | None, float]:
    """The credential, and when it falls due for refresh (never, for a secret the user holds)."""
    if item.provider is None:
        return None, cache.NEVER
    provider = PROVIDERS[item.provider]
    if not provider.MINTS_TOKENS:
        return provider.fetch(item.index, item.settings), cache.NEVER
    key = cache_key(item)
    entry = tokens.get(key)
    now = time.time()
    if mode == USE and entry is not None and cache.usable(entry, now):
        log("index %r: cached token, due %s", item.index.name, cache.due(entry, now))
        if cache.due(entry, now):
            due_keys.append(key)
        credential = Credential(entry["username"], entry["password"], float(entry["expires_at"]))
        return credential, float(entry["due_at"])
    log("index %r: fetching (%s)", item.index.name, mode)
    describe = {"index": item.index.name, "url": item.index.display_url, "provider": item.provider}
    credential = cache.obtain(
        directory,
        key,
        describe,
        lambda: provider.fetch(item.index, item.settings),
        force=mode == FORCE,
        wait=cache.timeout(environ),
        warn=warn,
    )
    if credential.expires_at is None:
        return credential, cache.NEVER
    return credential, cache.due_at(time.time(), credential.expires_at)


def _refresh_in_background(cwd: Path, environ: Mapping[str, str]) -> None:
    """Start a detached `uvcreds refresh --due` so this run prints the still-valid token now."""
    import subprocess
    import sys

    subprocess.Popen(
        [sys.executable, "-m", "uvcreds", "refresh", "--due"],
        cwd=cwd,
        env=dict(environ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def status(cwd: Path, environ: Mapping[str, str]) -> tuple[list[dict[str, object]], list[str]]:
    """What `uvcreds status` shows for each index, without fetching anything or any secret."""
    discovery = discover(cwd, environ)
    resolved, problems = resolve(discovery, environ)
    tokens: dict[str, cache.Entry] = {}
    try:
        tokens, _ = cache.load(paths.cache_dir(environ))
    except UvcredsError as exc:
        problems.append(Problem(str(exc)))
    rows = [_status_row(item, tokens) for item in resolved]
    return rows, [p.message for p in discovery.problems + problems]


def _status_row(item: Resolved, tokens: Mapping[str, cache.Entry]) -> dict[str, object]:
    row: dict[str, object] = {
        "name": item.index.name,
        "url": item.index.display_url,
        "source": item.index.source,
        "provider": item.provider,
        "username_var": envnames.username_var(item.index.name),
        "password_var": envnames.password_var(item.index.name),
        "settings": item.settings.origin,
        "trust": item.trust or "no project settings",
        "token": "none needed",
        "expires_at": None,
    }
    if item.provider is None:
        return row
    if not PROVIDERS[item.provider].MINTS_TOKENS:
        variable = item.settings.values.get("password-env")
        held = isinstance(variable, str) and item.settings.secret(variable) is not None
        row["token"] = f"secret from {variable} ({'set' if held else 'missing'})"
        return row
    entry = tokens.get(cache_key(item))
    if entry is None:
        row["token"] = "none"
        return row
    now = time.time()
    expires = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(entry["expires_at"])))
    state = (
        "expired"
        if not cache.usable(entry, now)
        else "refresh due"
        if cache.due(entry, now)
        else "fresh"
    )
    row["token"] = f"{state}, expires {expires}"
    row["expires_at"] = entry["expires_at"]
    return row


def cache_keys(cwd: Path, environ: Mapping[str, str], names: set[str]) -> set[str]:
    """The cache keys of this project's tokens (only those of `names`, when given)."""
    resolved, _ = resolve(discover(cwd, environ), environ)
    return {
        cache_key(item)
        for item in resolved
        if _mints(item) and (not names or item.index.name in names)
    }
