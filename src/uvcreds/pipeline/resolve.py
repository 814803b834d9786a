"""The one pipeline: from a directory to the variables uv reads, and whether each may be set.

uv sends `UV_INDEX_<V>_*` to every index whose name maps to `<V>` (DESIGN.md, "Where a
credential may go"), so the unit of decision is the variable:
1. discovery finds every index uv reads a variable for (config.py);
2. each is resolved to a provider and settings (settings.py);
3. per variable, the credential is the one of the first index that has a provider, and it
   is exported only when its scope covers every destination of the variable: the personal
   binding it came from, an allowed project's settings, or (for a token a vendor minted,
   or the vendor's own default variable) the same vendor resource;
4. the decision is saved as a plan (plan.py) for the fast path, with everything it read.
export, hook, exec, status, refresh, logout and doctor all go through here.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from uvcreds import names, urls
from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.model import DESTINATIONS_ONLY, UPLOAD, USER_SECRET, Credential, Index, Problem
from uvcreds.pipeline.environment import RecordingEnviron
from uvcreds.pipeline.settings import Credentials, Resolved, resolve, user_config
from uvcreds.providers import PROVIDERS
from uvcreds.providers.base import HeldIn, timeout
from uvcreds.state import cache, plan, secure, trust
from uvcreds.state.digests import sha256_hex
from uvcreds.state.paths import Locations
from uvcreds.uv import commandline as uvargs
from uvcreds.uv.discovery import Discovery, discover

USE, DUE, FORCE = "use", "due", "force"
Warn = Callable[[str], None]


@dataclass(frozen=True)
class Scope:
    """Where a credential may be sent."""

    binding: urls.Url | None = None  # below the personal `[[credential]]` url
    project: bool = False  # anywhere the allowed project's files say
    vendor: tuple[str, str] | None = None  # (provider, resource): that vendor resource

    def covers(self, index: Index) -> bool:
        if index.target is None:
            return index.url_error is None  # a local path: uv sends it nothing
        binding = self.binding
        if binding is not None and index.role == UPLOAD:
            binding = binding.root()  # as covers_upload: the index's files are there too
        if self.project or (binding is not None and binding.covers(index.target)):
            return True
        if self.vendor is None:
            return False
        provider, resource = self.vendor
        return PROVIDERS[provider].resource(index.target) == resource

    def covers_upload(self, url: urls.Url, index: Index) -> bool:
        """Whether an upload to `url` may carry this credential: below the binding less a
        trailing `simple` segment (where uv sends the index's credential for files anyway),
        below an allowed project's index likewise, or the same vendor resource. Never merely
        because the index it came from is bound."""
        if self.binding is not None and self.binding.root().covers(url):
            return True
        if self.project and index.target is not None and index.target.root().covers(url):
            return True
        return self.vendor is not None and (
            PROVIDERS[self.vendor[0]].resource(url) == self.vendor[1]
        )


@dataclass
class Decision:
    """One variable pair, every index uv sends it to, and what uvcreds puts in it."""

    stem: str
    indexes: list[Resolved]  # uv's order: the settings list first
    chosen: Resolved | None  # whose credential it is (None: no index here needs one)
    credential: Credential | None = None
    key: str | None = None  # the cache key, for a token the cache keeps
    held_in: HeldIn | None = None  # the variables a secret is read from again
    problem: str | None = None
    blocked: bool = False  # the problem is a destination the credential does not cover
    due_at: float = cache.NEVER

    @property
    def username_var(self) -> str:
        return names.stem_variables(self.stem)[0]

    @property
    def password_var(self) -> str:
        return names.stem_variables(self.stem)[1]

    def planned(self) -> plan.Variable:
        """This decision as the plan keeps it: no secret, only where it is read again."""
        assert self.chosen is not None
        names = list(dict.fromkeys([self.chosen.index.name, *(r.index.name for r in self.indexes)]))
        scope = scope_of(self.chosen, self.credential)  # all of them, but in secret-free mode
        targets = sorted(
            {str(r.index.target) for r in self.indexes if r.index.target and scope.covers(r.index)}
        )
        held = self.held_in
        again = None if held is None else (held.password_env, held.username_env, held.username)
        index = self.chosen.index
        return plan.variable(
            self.stem, names, targets, index.username, self.key, again, always=self.always
        )

    @property
    def always(self) -> bool:
        """Whether uv asks a keyring for the chosen index even without a username."""
        return self.chosen is not None and self.chosen.index.authenticate == "always"

    @property
    def username(self) -> str:
        """The credential's username, else one written into the chosen index URL (uv's)."""
        assert self.credential is not None and self.chosen is not None
        return self.credential.username or self.chosen.index.username


@dataclass
class Result:
    discovery: Discovery
    decisions: list[Decision] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    trust: str = trust.NOT_ALLOWED
    credentials: Credentials = field(default_factory=lambda: Credentials(Path(), []))
    watched: list[str] = field(default_factory=list)  # for the shells: a change means "again"
    due_at: float = cache.NEVER
    publish: dict[str, str] = field(default_factory=dict)  # UV_PUBLISH_*, when asked for
    notes: list[str] = field(default_factory=list)  # said, but the plan is kept (no problem)
    read: Mapping[str, str | None] = field(default_factory=dict)  # each variable read, live

    @property
    def ok(self) -> bool:
        return all(d.problem is None for d in self.decisions) and not any(
            p.is_error for p in self.problems
        )

    def messages(self) -> list[str]:
        """Every problem, one line each; never a secret."""
        lines = [p.message for p in self.problems]
        lines += [d.problem for d in self.decisions if d.problem is not None]
        lines += self.notes
        return list(dict.fromkeys(lines))

    def variables(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for decision in self.decisions:
            if decision.credential is not None and decision.problem is None:
                values[decision.username_var] = decision.username
                values[decision.password_var] = decision.credential.password
        return values

    def keyring_asked(self) -> bool:
        """Whether uv asks the keyring for an index here that has no username (one that
        says authenticate = "always"): secret-free mode must wire the keyring for it too."""
        return any(d.always for d in self.decisions if d.credential and d.problem is None)

    def secret_variables(self) -> list[str]:
        """The variables holding secrets the bindings name (set or not), and the vendors'
        own default ones: setting, changing or unsetting one changes what is exported."""
        names: list[str] = []
        for decision in self.decisions:
            for item in decision.indexes:
                values = item.settings.values
                names += [str(v) for k, v in values.items() if k.endswith("-env") and v]
                names += item.provider_module.SECRET_ENV if item.provider_module else ()
        return sorted({n for n in names if n.isidentifier() and n.isascii()})

    def shell_variables(self) -> list[str]:
        """What a shell compares before each prompt: the secret variables, and every other
        variable the decision read (UVCREDS_CONFIG, UV_INDEX, ...), set or not."""
        return plan.shell_names([*self.secret_variables(), *self.read])

    def names(self) -> list[str]:
        return list(dict.fromkeys(r.index.name for d in self.decisions for r in d.indexes))


def scope_of(chosen: Resolved, credential: Credential | None) -> Scope:
    """Where this credential may go; before it is fetched (None), the widest it could get."""
    vendor = None
    provider = chosen.provider_module
    target = chosen.index.target
    resource = provider.resource(target) if provider is not None and target else None
    if resource is not None and (credential is None or credential.origin != USER_SECRET):
        vendor = (str(chosen.provider), resource)
    return Scope(chosen.binding, chosen.project_bound, vendor)


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


def plan_decisions(
    cwd: Path,
    environ: Mapping[str, str],
    locations: Locations,
    *,
    script: Path | None = None,
    command: str = uvargs.PROJECT,
) -> tuple[Result, RecordingEnviron]:
    """Steps 1 to 3 without fetching anything: what status, logout and doctor show."""
    recorded = RecordingEnviron(environ)
    discovery = discover(cwd, recorded, script=script, command=command)
    result = Result(discovery, problems=list(discovery.problems), read=recorded.read)
    config_file = Locations(recorded).config_file  # UVCREDS_CONFIG is an input like any
    try:
        result.credentials = user_config(Path(config_file))
    except UvcredsError as exc:
        result.problems.append(Problem(f"{exc}; your [[credential]] bindings are not used"))
    result.trust = trust.state(discovery, locations.data_dir)
    resolved, problems = resolve(discovery, recorded, result.credentials, result.trust)
    result.problems.extend(problems)
    result.decisions = [_decision(stem, items) for stem, items in _by_variable(resolved).items()]
    result.watched = _watched(discovery, locations)
    return result, recorded


def collect(
    cwd: Path,
    environ: Mapping[str, str],
    locations: Locations,
    *,
    script: Path | None = None,
    refresh: str = USE,
    names: set[str] | None = None,
    per_url: bool = False,
    publish: str | None = None,
    command: str = uvargs.PROJECT,
    keep_plan: bool = True,
    warn: Warn,
    progress: Warn | None = None,
) -> Result:
    """Credentials for every variable at cwd, and the plan saved for the fast path.

    `per_url` (secret-free mode): no password goes into a variable, so none is withheld for
    a destination it does not cover; the keyring answers per URL at request time. Tokens
    are still got (their usernames go into the environment), and the plan, kept apart,
    lists for each variable only the URLs its credential covers.

    `publish`: also UV_PUBLISH_* for uploading through that index (`Result.publish`);
    UvcredsError when none may be set.

    `command`: the index set of that uv command (uvargs), for `exec`; `keep_plan`: save the
    plan for the fast path (never for another command's view than the shell's).

    `refresh`: USE takes a usable cached token (starting a background refresh when it is due),
    DUE fetches the tokens of `names` (all when None) that are still due once the lock is
    held, FORCE fetches them anew whatever the cache holds.
    """
    started_ns = time.time_ns()
    result, recorded = plan_decisions(cwd, environ, locations, script=script, command=command)
    if per_url:
        for decision in result.decisions:
            if decision.blocked:
                decision.problem, decision.blocked = None, False
    directory = _usable_cache(locations, result)
    to_fetch = [d for d in result.decisions if d.chosen is not None and d.problem is None]
    tokens: dict[str, cache.Entry] = {}
    if directory is not None and any(d.held_in is None for d in to_fetch):
        tokens, warning = cache.load(directory)
        if warning:
            result.problems.append(Problem(warning, is_error=False))
    due_keys: list[str] = []
    for decision in to_fetch:
        assert decision.chosen is not None
        wanted = names is None or any(r.index.name in names for r in decision.indexes)
        mode = refresh if wanted else USE
        try:
            _obtain(decision, tokens, recorded, directory, mode, due_keys, warn, progress or warn)
        except UvcredsError as exc:
            decision.problem = str(exc)
            continue
        if not per_url:
            decision.problem = _blocked(decision, scope_of(decision.chosen, decision.credential))
        result.due_at = min(result.due_at, decision.due_at)
    if due_keys:
        _refresh_in_background(cwd, script, environ)
    if per_url:
        result.notes += [_never_asked(d) for d in result.decisions if _is_never_asked(d)]
    if keep_plan and result.ok and not result.problems and directory is not None:
        planned = [d.planned() for d in result.decisions if d.chosen and d.credential]
        built = plan.build(
            (cwd, script, per_url),
            planned,
            result.watched,
            result.secret_variables(),
            recorded.digests(),
            started_ns,
        )
        refused = plan.save(built, locations)
        if refused:
            warn(f"{refused}; plans are not kept, so every run takes the slow path")
    if publish is not None:
        result.publish = _publish(result, recorded, publish, cwd, locations, warn)
    elif command == uvargs.PUBLISH:
        result.publish = _publish_command(result, recorded, cwd, locations, warn)
    return result


def _publish_command(
    result: Result, recorded: RecordingEnviron, cwd: Path, locations: Locations, warn: Warn
) -> dict[str, str]:
    """`UV_PUBLISH_*` for the `uv publish` that exec runs, for the URL it uploads to: the
    publish-url of `--index NAME` (`UV_PUBLISH_INDEX`), else `--publish-url`
    (`UV_PUBLISH_URL`), else the settings' `publish-url`, else PyPI. Nothing, and one line
    unless it is PyPI, when no credential covers that URL; uv then runs without them."""
    name = recorded.get("UV_PUBLISH_INDEX")
    try:
        if name:
            return {
                k: v
                for k, v in _publish(
                    result, recorded, name, cwd, locations, warn, f"uv publish --index {name}"
                ).items()
                if k != "UV_PUBLISH_INDEX"
            }
        url, source = _publish_url(result, recorded)
        return _publish_to(result, recorded, url, source, cwd, locations, warn)
    except UvcredsError as exc:
        result.problems.append(Problem(str(exc), is_error=False))
        return {}


PYPI_UPLOAD = "https://upload.pypi.org/legacy/"


def _publish_url(result: Result, recorded: RecordingEnviron) -> tuple[str, str]:
    """Where `uv publish` without `--index` uploads, and what said so."""
    given = recorded.get("UV_PUBLISH_URL")
    if given:
        return given, "--publish-url or UV_PUBLISH_URL"
    if result.discovery.publish_setting is not None:
        return result.discovery.publish_setting
    return PYPI_UPLOAD, ""


def _publish_to(
    result: Result,
    recorded: RecordingEnviron,
    url: str,
    source: str,
    cwd: Path,
    locations: Locations,
    warn: Warn,
) -> dict[str, str]:
    """The credential a binding of the user's gives the upload URL itself."""
    shown = urls.display(url)
    try:
        target = urls.parse_publish(url)
    except urls.UrlError as exc:
        raise UvcredsError(
            f"uv publish: its publish URL {shown} ({source}) does not parse ({exc}); "
            "UV_PUBLISH_* are not set"
        ) from None
    item = _standalone(target, recorded, result.credentials)
    answer = _obtain_alone(item, result, recorded, cwd, locations, warn)
    upload = Index("publish", str(target), source, target=target)
    if answer is not None and scope_of(item, answer[0]).covers(upload):
        return {"UV_PUBLISH_USERNAME": answer[1], "UV_PUBLISH_PASSWORD": answer[0].password}
    if not source:
        return {}  # PyPI, which uvcreds was not asked to serve
    raise UvcredsError(
        f"uv publish: no credential is bound to its publish URL {target} ({source}); "
        "UV_PUBLISH_* are not set. If uploads go there, bind that URL in your config"
    )


def credential_for(
    url: urls.Url, cwd: Path, environ: Mapping[str, str], locations: Locations, *, warn: Warn
) -> tuple[str, str] | None:
    """Secret-free mode's question: the (username, password) for a request to `url`, or
    None. The index that URL names is resolved by itself (this project's index for it, else
    the URL alone with the user's bindings and anchored vendor hosts), and its credential
    is given only when its scope covers the URL."""
    result, recorded = plan_decisions(cwd, environ, locations)
    indexes = [item for decision in result.decisions for item in decision.indexes]
    item = next((i for i in indexes if i.index.target == url), None) or next(
        (i for i in indexes if i.index.target and i.index.target.root().covers(url)), None
    )
    if item is None:
        item = _standalone(url, recorded, result.credentials)
    request = Index(item.index.name, str(url), item.index.source, target=url)
    found = _obtain_alone(item, result, recorded, cwd, locations, warn)
    if found is None or not scope_of(item, found[0]).covers(request):
        return None
    return found[1], found[0].password


def _obtain_alone(
    item: Resolved,
    result: Result,
    recorded: RecordingEnviron,
    cwd: Path,
    locations: Locations,
    warn: Warn,
) -> tuple[Credential, str] | None:
    """One index's credential and username, decided for that index alone (None: it has no
    provider or a problem)."""
    if item.provider_module is None or item.problem is not None:
        return None
    decision = _decision(names.env_stem(item.index.name), [item])
    if decision.problem is not None:
        raise UvcredsError(decision.problem)
    directory = _usable_cache(locations, result)
    tokens = cache.load(directory)[0] if directory and decision.held_in is None else {}
    due_keys: list[str] = []
    _obtain(decision, tokens, recorded, directory, USE, due_keys, warn, warn)
    if due_keys:
        _refresh_in_background(cwd, None, recorded)
    assert decision.credential is not None
    return decision.credential, decision.username


def _publish(
    result: Result,
    recorded: RecordingEnviron,
    name: str,
    cwd: Path,
    locations: Locations,
    warn: Warn,
    said: str = "",
) -> dict[str, str]:
    """`UV_PUBLISH_*` for `uv publish --index NAME`, which uploads to that index's
    publish-url (found as uv's publish finds it: in the settings files, first definition).
    They get the index's credential only when its scope covers that URL (Scope.covers_upload),
    else the credential a binding of the user's gives that URL, else nothing."""
    said = said or f"--publish {name}"  # how the user asked for it, in messages
    index = result.discovery.settings_index(name)
    if index is None:
        known = ", ".join(sorted({i.name for i in result.discovery.settings_indexes()}))
        raise UvcredsError(f"{said}: no index named {name!r} here (found: {known or 'none'})")
    if not index.publish_url:
        raise UvcredsError(
            f"{said}: the index has no publish-url in {index.source}; "
            "add one, so the credential goes nowhere else"
        )
    shown = urls.display(index.publish_url)
    try:
        target = urls.parse_publish(index.publish_url)
    except urls.UrlError as exc:
        raise UvcredsError(
            f"{said}: its publish-url {shown} ({index.source}) does not parse ({exc}); "
            "UV_PUBLISH_* are not set"
        ) from None
    decision = next(d for d in result.decisions if any(r.index == index for r in d.indexes))
    found = _own_upload(decision, target, index)
    if found is None:
        item = _standalone(target, recorded, result.credentials)
        answer = _obtain_alone(item, result, recorded, cwd, locations, warn)
        upload = Index(name, str(target), index.source, target=target)
        if answer is not None and scope_of(item, answer[0]).covers(upload):
            found = answer
    if found is None and decision.problem is not None and not decision.blocked:
        raise UvcredsError(decision.problem)  # the index's own credential: say why it failed
    if found is None:
        raise UvcredsError(
            f"{said}: no credential is bound to its publish-url {target} (defined in "
            f"{index.source}); UV_PUBLISH_* are not set. If uploads go there, bind that URL "
            "in your config"
        )
    return {
        "UV_PUBLISH_USERNAME": found[1],
        "UV_PUBLISH_PASSWORD": found[0].password,
        "UV_PUBLISH_INDEX": name,
    }


def _own_upload(
    decision: Decision, target: urls.Url, index: Index
) -> tuple[Credential, str] | None:
    """The index's own credential and username, when its scope covers the upload URL."""
    chosen, credential = decision.chosen, decision.credential
    if chosen is None or credential is None or decision.problem is not None:
        return None
    if not scope_of(chosen, credential).covers_upload(target, index):
        return None
    return credential, decision.username


def _standalone(url: urls.Url, environ: RecordingEnviron, credentials: Credentials) -> Resolved:
    """A URL no project index names, resolved with the user's bindings and vendor hosts."""
    index = Index("keyring", str(url), "the keyring request", target=url)
    discovery = Discovery(project_dir=Path.cwd(), indexes=[index])
    item = resolve(discovery, environ, credentials, trust.NOT_ALLOWED)[0][0]
    if item.binding is None:
        return item
    # Named by its binding: every URL below it is one index, one cache key, one mint.
    bound = Index("keyring", str(item.binding), index.source, target=item.binding)
    return dataclasses.replace(item, index=bound)


def _usable_cache(locations: Locations, result: Result) -> str | None:
    """The cache directory, or None (and a warning) when another user could read or plant
    files in it: then it is neither read nor written, and tokens are minted and not kept."""
    try:
        secure.check_directory(locations.cache_dir, cache.WHAT)
    except UvcredsError as exc:
        result.problems.append(Problem(f"{exc}; nothing is kept there", is_error=False))
        return None
    return locations.cache_dir


def _by_variable(resolved: list[Resolved]) -> dict[str, list[Resolved]]:
    groups: dict[str, list[Resolved]] = {}
    for item in resolved:
        groups.setdefault(names.env_stem(item.index.name), []).append(item)
    return groups


def _decision(stem: str, items: list[Resolved]) -> Decision:
    """Whose credential goes into the variable, and whether it can: the first index with a
    provider is chosen; an error on it, or a destination its widest scope cannot cover,
    means nothing is exported (and nothing is fetched)."""
    failed = next((i for i in items if i.problem is not None), None)
    choices = (i for i in items if i.provider is not None and i.index.role not in DESTINATIONS_ONLY)
    chosen = next(choices, None)
    decision = Decision(stem, items, chosen)
    if failed is not None:
        decision.problem = failed.problem
    elif chosen is not None and chosen.provider_module is not None:
        decision.problem = _blocked(decision, scope_of(chosen, None))
        decision.blocked = decision.problem is not None
        try:
            decision.held_in = chosen.provider_module.held_in(chosen.index, chosen.settings)
        except UvcredsError as exc:
            decision.problem = str(exc)
    return decision


def _is_never_asked(decision: Decision) -> bool:
    """A credential uv would never ask a keyring for: no username, no authenticate = "always"."""
    if decision.credential is None or decision.problem is not None or decision.always:
        return False
    return not decision.username


def _never_asked(decision: Decision) -> str:
    assert decision.chosen is not None
    index = decision.chosen.index
    return (
        f"index {index.name!r} (defined in {index.source}): uv asks a keyring only with a "
        "username, and its credential has none (an access token); add authenticate = "
        '"always" to that index, so uv asks uvcreds'
    )


def _blocked(decision: Decision, scope: Scope) -> str | None:
    """One line naming the first destination `scope` does not cover, or None."""
    assert decision.chosen is not None
    chosen = decision.chosen.index
    for item in decision.indexes:
        if item is decision.chosen or scope.covers(item.index):
            continue  # the chosen index's own credential: the provider says if it has none
        other = item.index
        where = (
            "an index of the same name" if other.name == chosen.name else f"index {other.name!r}"
        )
        return (
            f"{decision.password_var} is not exported: uv would also send it to {where} at "
            f"{other.display_url} (defined in {other.source}), where the credential of index "
            f"{chosen.name!r} is not bound; rename that index, or bind its URL in your config"
        )
    return None


def _obtain(
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


def _watched(discovery: Discovery, locations: Locations) -> list[str]:
    """What a plan depends on: discovery's paths, the user config, the trust records and
    the project's .env (whether they exist yet or not)."""
    extra = [locations.config_file, *trust.records(discovery, locations.data_dir)]
    extra.append(str(discovery.trust_dir / ".env"))
    return list(dict.fromkeys([*discovery.watched, *extra]))


def _refresh_in_background(cwd: Path, script: Path | None, environ: Mapping[str, str]) -> None:
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
