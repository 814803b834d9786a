"""The store route: uvcreds keeps entries fresh in uv's own credential store (`uv auth`),
uv picks one by the URL it calls, and no password is ever in the environment.

`uvstore` is uv's side (its file, its command line), `records` what uvcreds wrote,
`keeper` the route itself: from the pipeline's result to the entries, and back for status.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.pipeline import decide, obtain, resolve
from uvcreds.routes.store import keeper, records, uvstore
from uvcreds.state import cache
from uvcreds.state.paths import Locations

Warn = Callable[[str], None]


def collect(
    cwd: Path,
    environ: Mapping[str, str],
    locations: Locations,
    warn: Warn,
    progress: Warn,
    *,
    script: Path | None = None,
) -> decide.Result:
    """The pipeline for the store route: per URL (uv picks the entry by the URL it calls,
    so a shared variable name blocks nothing), and a token that is due is renewed now
    rather than in the background, so the entry is fresh before the command runs."""
    result = resolve.collect(
        cwd, environ, locations, script=script, per_url=True, warn=warn, progress=progress
    )
    if result.due_at <= time.time():
        result = resolve.collect(
            cwd,
            environ,
            locations,
            script=script,
            per_url=True,
            refresh=obtain.DUE,
            warn=warn,
            progress=progress,
        )
    return result


def keep(
    result: decide.Result,
    environ: Mapping[str, str],
    locations: Locations,
    command: Sequence[str] = (),
    *,
    only_own: bool = False,
) -> tuple[list[str], float]:
    """Bring uv's store up to date with `result`: the lines to say (never a secret), and
    when to look again (an entry of uvcreds' left there for another project is removed once
    its token is under a minute from expiring). `only_own` (refresh): renew uvcreds'
    entries there, add none."""
    wants, problems = keeper.wanted(result)
    if only_own:
        if not records.load(locations.data_dir)[0]:
            return [], cache.NEVER  # the store route is not in use
        problems = []
    try:
        uv = uvstore.find_uv(environ, command)
        outcome = keeper.keep(wants, environ, locations, uv, only_own=only_own)
    except (UvcredsError, OSError) as exc:
        return [*problems, str(exc)], cache.NEVER
    return [*problems, *outcome.messages], outcome.check_at


def logout(
    environ: Mapping[str, str], locations: Locations, services: set[str] | None
) -> tuple[list[str], list[str]]:
    """Remove uvcreds' own entries (for `services`, or all): (removed, lines to say)."""
    if not records.load(locations.data_dir)[0]:
        return [], []
    uv = uvstore.find_uv(environ)
    outcome = keeper.remove_own(environ, locations, uv, services)
    return outcome.removed, outcome.messages


def services_of(result: decide.Result) -> set[str]:
    """The service keys of the entries `result`'s credentials would have (for logout NAME)."""
    found: set[str] = set()
    for decision in result.decisions:
        chosen = decision.chosen
        if chosen is None or chosen.provider_module is None or decision.problem is not None:
            continue
        prefix = keeper.prefix_for(chosen, decision.credential)
        if prefix is not None:
            found.add(uvstore.service_key(prefix))
    return found


def describer(environ: Mapping[str, str], locations: Locations) -> keeper.Describe:
    """For status and doctor: a function from an index URL to what uv's store holds for it."""
    entries, _ = uvstore.read(uvstore.store_file(environ))
    own, _ = records.load(locations.data_dir)
    return lambda target: keeper.describe(target, entries, own)


def publish_username(
    result: decide.Result, environ: Mapping[str, str], command: Sequence[str]
) -> dict[str, str]:
    """`UV_PUBLISH_USERNAME` for `uv publish` when uv's store has exactly one entry for its
    publish URL: in a terminal uv publish asks for a username before it looks in its store,
    and with one it looks there first. A username only; the password stays in the store."""
    if "UV_PUBLISH_USERNAME" in environ or "publish" not in command[1:]:
        return {}
    target = _publish_target(result, environ, list(command[command.index("publish") + 1 :]))
    if target is None:
        return {}
    entries, _ = uvstore.read(uvstore.store_file(environ))
    found = uvstore.lookup(entries, target)
    return {"UV_PUBLISH_USERNAME": found[0].username} if len(found) == 1 else {}


def _publish_target(
    result: decide.Result, environ: Mapping[str, str], arguments: list[str]
) -> urls.Url | None:
    """The URL `uv publish ARGUMENTS` uploads to, as far as its own options say."""
    url, name = environ.get("UV_PUBLISH_URL"), environ.get("UV_PUBLISH_INDEX")
    for position, argument in enumerate(arguments):
        value = arguments[position + 1] if position + 1 < len(arguments) else None
        if argument in ("--publish-url", "--index") and value is not None:
            url, name = (value, name) if argument == "--publish-url" else (url, value)
        elif argument.startswith(("--publish-url=", "--index=")):
            key, _, given = argument.partition("=")
            url, name = (given, name) if key == "--publish-url" else (url, given)
    if url is None and name is not None:
        index = result.discovery.settings_index(name)
        url = index.publish_url if index is not None else None
    try:
        return urls.parse_publish(url) if url else None
    except urls.UrlError:
        return None
