"""The one pipeline: from a directory to the variables uv reads, and whether each may be set.

uv sends `UV_INDEX_<V>_*` to every index whose name maps to `<V>` (DESIGN.md, "Where a
credential may go"), so the unit of decision is the variable:
1. discovery finds every index uv reads a variable for (uv/discovery.py);
2. each is resolved to a provider and settings (settings.py);
3. per variable, the credential is the one of the first index that has a provider, and it
   is exported only when its scope covers every destination of the variable: the personal
   binding it came from, an allowed project's settings, or (for a token a vendor minted,
   or the vendor's own default variable) the same vendor resource (decide.py);
4. the credential is got (obtain.py), and UV_PUBLISH_* where asked (publish.py);
5. the decision is saved as a plan (state/plan.py) for the fast path, with all it read.
export, hook, exec, status, refresh, logout and doctor all go through here; the keyring
and an upload URL ask for one URL alone (alone.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.model import Problem
from uvcreds.pipeline.alone import answer_for, standalone
from uvcreds.pipeline.decide import (
    Result,
    blocked,
    by_variable,
    decide,
    is_never_asked,
    never_asked,
    scope_of,
)
from uvcreds.pipeline.environment import RecordingEnviron
from uvcreds.pipeline.obtain import USE, obtain, refresh_in_background, usable_cache
from uvcreds.pipeline.publish import publish_command, publish_variables
from uvcreds.pipeline.settings import resolve, user_config
from uvcreds.state import cache, plan, trust
from uvcreds.state.paths import Locations
from uvcreds.uv import commandline
from uvcreds.uv.discovery import discover
from uvcreds.uv.found import Discovery

Warn = Callable[[str], None]


def plan_decisions(
    cwd: Path,
    environ: Mapping[str, str],
    locations: Locations,
    *,
    script: Path | None = None,
    command: str = commandline.PROJECT,
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
    result.decisions = [decide(stem, items) for stem, items in by_variable(resolved).items()]
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
    command: str = commandline.PROJECT,
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

    `command`: the index set of that uv command (uv/commandline.py), for `exec`;
    `keep_plan`: save the plan for the fast path (never for another command's view than
    the shell's).

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
    directory = usable_cache(locations, result)
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
            obtain(decision, tokens, recorded, directory, mode, due_keys, warn, progress or warn)
        except UvcredsError as exc:
            decision.problem = str(exc)
            continue
        if not per_url:
            decision.problem = blocked(decision, scope_of(decision.chosen, decision.credential))
        result.due_at = min(result.due_at, decision.due_at)
    if due_keys:
        refresh_in_background(cwd, script, environ)
    if per_url:
        result.notes += [never_asked(d) for d in result.decisions if is_never_asked(d)]
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
        result.publish = publish_variables(result, recorded, publish, cwd, locations, warn)
    elif command == commandline.PUBLISH:
        result.publish = publish_command(result, recorded, cwd, locations, warn)
    return result


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
        item = standalone(url, recorded, result.credentials)
    found = answer_for(item, url, result, recorded, cwd, locations, warn)
    return None if found is None else (found[1], found[0].password)


def _watched(discovery: Discovery, locations: Locations) -> list[str]:
    """What a plan depends on: discovery's paths, the user config, the trust records and
    the project's .env (whether they exist yet or not)."""
    extra = [locations.config_file, *trust.records(discovery, locations.data_dir)]
    extra.append(str(discovery.trust_dir / ".env"))
    return list(dict.fromkeys([*discovery.watched, *extra]))
