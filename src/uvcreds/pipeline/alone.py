"""One index, or one URL no index names, decided by itself: what the keyring and an upload
URL get."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from uvcreds import names, urls
from uvcreds.errors import UvcredsError
from uvcreds.model import Credential, Index
from uvcreds.pipeline.decide import Result, decide, scope_of
from uvcreds.pipeline.environment import RecordingEnviron
from uvcreds.pipeline.obtain import USE, obtain, refresh_in_background, usable_cache
from uvcreds.pipeline.settings import Credentials, Resolved, resolve
from uvcreds.state import cache, trust
from uvcreds.state.paths import Locations
from uvcreds.uv.found import Discovery

Warn = Callable[[str], None]


def standalone(url: urls.Url, environ: RecordingEnviron, credentials: Credentials) -> Resolved:
    """A URL no project index names, resolved with the user's bindings and vendor hosts."""
    index = Index("keyring", str(url), "the keyring request", target=url)
    discovery = Discovery(project_dir=Path.cwd(), indexes=[index])
    item = resolve(discovery, environ, credentials, trust.NOT_ALLOWED)[0][0]
    if item.binding is None:
        return item
    # Named by its binding: every URL below it is one index, one cache key, one mint.
    bound = Index("keyring", str(item.binding), index.source, target=item.binding)
    return dataclasses.replace(item, index=bound)


def answer_for(
    item: Resolved,
    url: urls.Url,
    result: Result,
    recorded: RecordingEnviron,
    cwd: Path,
    locations: Locations,
    warn: Warn,
) -> tuple[Credential, str] | None:
    """The credential and username `item` gives a request to `url`, decided for that index
    alone; None when it has no provider or a problem, or its scope does not cover `url`."""
    if item.provider_module is None or item.problem is not None:
        return None
    decision = decide(names.env_stem(item.index.name), [item])
    if decision.problem is not None:
        raise UvcredsError(decision.problem)
    directory = usable_cache(locations, result)
    tokens = cache.load(directory)[0] if directory and decision.held_in is None else {}
    due_keys: list[str] = []
    obtain(decision, tokens, recorded, directory, USE, due_keys, warn, warn)
    if due_keys:
        refresh_in_background(cwd, None, recorded)
    assert decision.credential is not None
    request = Index(item.index.name, str(url), item.index.source, target=url)
    if not scope_of(item, decision.credential).covers(request):
        return None
    return decision.credential, decision.username
