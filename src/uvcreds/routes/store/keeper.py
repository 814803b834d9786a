"""Keep uv's credential store fresh with the pipeline's decisions (DESIGN.md, "uv's
credential store: `--store`").

One entry per binding uvcreds manages: the personal binding's URL prefix, an allowed
project's index, or the vendor resource a minted token is good for, each less a trailing
`simple` segment (as uv's login stores it). uv then picks by the URL it calls, so a
repository pointing a name elsewhere gets nothing. An entry is written only when its token
changed, never beside or over an entry of the user's, and removed once its token expired
and could not be renewed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Optional

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.model import Credential
from uvcreds.pipeline import decide
from uvcreds.pipeline.settings import Resolved
from uvcreds.routes.store import records, uvstore
from uvcreds.state import cache
from uvcreds.state.paths import Locations


@dataclass(frozen=True)
class Want:
    """One entry uv's store should hold now."""

    index: str
    target: urls.Url | None  # the index URL itself, to see what uv would pick there
    service: urls.Url  # the prefix it is written for
    username: str
    password: str
    expires_at: float | None


def wanted(result: decide.Result) -> tuple[list[Want], list[str]]:
    """The entries for every credential the pipeline got, and one line per index whose
    credential uv's store cannot hold."""
    wants: list[Want] = []
    problems: list[str] = []
    for decision in result.decisions:
        chosen, credential = decision.chosen, decision.credential
        if chosen is None or credential is None or decision.problem is not None:
            continue
        name = chosen.index.name
        prefix = prefix_for(chosen, credential)
        username = decision.username
        if prefix is None:
            problems.append(f"index {name!r}: no URL prefix to keep its credential under")
        elif not username:
            problems.append(
                f"index {name!r}: its credential has an empty username, which uv's store "
                "cannot hold; set `username` in its settings, or use the environment route"
            )
        elif uvstore.writable(prefix) is not None:
            problems.append(f"index {name!r}: {uvstore.writable(prefix)}")
        else:
            wants.append(
                Want(
                    name,
                    chosen.index.target,
                    prefix,
                    username,
                    credential.password,
                    credential.expires_at,
                )
            )
    return wants, problems


def prefix_for(chosen: Resolved, credential: Credential | None) -> urls.Url | None:
    """Where the entry goes: the binding, the allowed project's index, or the vendor
    resource, each less a trailing `simple` segment (where the index's files are)."""
    scope = decide.scope_of(chosen, credential)
    target = chosen.index.target
    if scope.binding is not None:
        return uvstore.service_for(scope.binding)
    if target is None:
        return None
    root = uvstore.service_for(target)
    if scope.project or scope.vendor is None:
        return root if scope.project else None
    provider = chosen.provider_module
    assert provider is not None
    for length in range(len(root.path)):  # the shortest prefix naming the same resource
        candidate = urls.Url(root.scheme, root.host, root.port, (*root.path[:length], ""), "")
        if provider.resource(candidate) == scope.vendor[1]:
            return candidate
    return root


@dataclass
class Outcome:
    written: list[str]
    removed: list[str]
    messages: list[str]
    check_at: float = cache.NEVER  # when an entry of uvcreds' left here falls under a minute


def keep(
    wants: Sequence[Want],
    environ: Mapping[str, str],
    locations: Locations,
    uv: str,
    *,
    only_own: bool = False,
) -> Outcome:
    """Make uv's store hold `wants` (where it may), and drop uvcreds' own entries whose
    token expired unrenewed. `only_own` (refresh): renew the entries uvcreds has there and
    add none. Raises UvcredsError when uv cannot be asked."""
    path = uvstore.store_file(environ)
    outcome = Outcome([], [], [])
    with records.locked(locations.data_dir):
        kept, warning = records.load(locations.data_dir)
        entries, unreadable = uvstore.read(path)
        outcome.messages += [m for m in (warning, unreadable) if m]
        if unreadable:
            return outcome  # what is the user's cannot be told apart: change nothing
        # Unusable records: every entry there counts as the user's, never changed.
        elsewhere = [r for r in kept if r.store != path]
        own = _own(kept, entries, path)
        renewed: set[tuple[str, str]] = set()
        held = {key[0] for key in own}
        for want in wants:
            if only_own and uvstore.service_key(want.service) not in held:
                continue
            message = _write(want, entries, own, path, uv, environ, outcome)
            if message is None:
                renewed.add((uvstore.service_key(want.service), want.username))
            elif message:
                outcome.messages.append(message)
        now = time.time()
        for key, record in list(own.items()):
            expires = record.expires_at
            if key not in renewed and expires is not None and expires - now < cache.EXPORT_MARGIN:
                try:
                    uvstore.logout(uv, record.service, record.username, environ)
                except uvstore.NoAuth:
                    raise
                except UvcredsError as exc:  # kept, and tried again at the next run
                    outcome.messages.append(f"index {record.index!r}: {exc}")
                    continue
                del own[key]
                outcome.removed.append(record.service)
                outcome.messages.append(
                    f"index {record.index!r}: its token expired and was not renewed; uvcreds "
                    f"removed its entry for {record.service} from uv's store"
                )
        now_kept = [*elsewhere, *own.values()]
        if warning or set(now_kept) != set(kept):  # a durable write: only for a change
            records.save(locations.data_dir, now_kept)
        ends = [r.expires_at - cache.EXPORT_MARGIN for r in own.values() if r.expires_at]
        outcome.check_at = min([cache.NEVER, *ends])
    return outcome


def _own(
    kept: Sequence[records.Record], entries: Sequence[uvstore.Entry], path: str
) -> dict[tuple[str, str], records.Record]:
    """uvcreds' records for this store whose entry uv still holds as uvcreds wrote it."""
    present = {entry.key(): entry for entry in entries}
    own: dict[tuple[str, str], records.Record] = {}
    for record in kept:
        service = urls.parse(record.service) if record.store == path else None
        if service is None:
            continue
        key = (uvstore.service_key(service), record.username)
        entry = present.get(key)
        if entry is not None and entry.digest == record.digest:
            own[key] = record
    return own


def _write(
    want: Want,
    entries: Sequence[uvstore.Entry],
    own: dict[tuple[str, str], records.Record],
    path: str,
    uv: str,
    environ: Mapping[str, str],
    outcome: Outcome,
) -> str | None:
    """Write one entry unless it is there already; None when uv's store holds it now, else
    why not ("" when it was said before)."""
    service = uvstore.service_key(want.service)
    theirs = [e for e in entries if e.url and uvstore.service_key(e.url) == service]
    theirs = [e for e in theirs if e.key() not in own]
    if theirs:
        return (
            f"index {want.index!r}: uv's store has your own entry for {theirs[0].service} "
            f"(username {theirs[0].username!r}); uvcreds leaves it and writes none beside it"
        )
    if want.target is not None:
        picked = uvstore.lookup(entries, want.target)
        shadow = [e for e in picked if e.key() not in own and e.url is not None]
        if shadow and _specificity(shadow[0]) > len("/".join(want.service.path)):
            return (
                f"index {want.index!r}: uv uses your own entry for {shadow[0].service} there; "
                f"uvcreds keeps none for {want.service}"
            )
    digest = uvstore.token_digest(want.password)
    key = (service, want.username)
    record = own.get(key)
    if record is not None and record.digest == digest:
        own[key] = replace(record, expires_at=want.expires_at, index=want.index)
        return None
    try:
        for other, mine in list(own.items()):  # another username of ours there: a tie
            if other[0] == service and other[1] != want.username:
                uvstore.logout(uv, mine.service, mine.username, environ)
                del own[other]
        uvstore.login(uv, want.service, want.username, want.password, environ)
    except uvstore.NoAuth:
        raise  # one line for all: the caller says it
    except UvcredsError as exc:
        return f"index {want.index!r}: {exc}"
    own[key] = records.Record(
        path, str(want.service), want.username, digest, want.expires_at, want.index
    )
    outcome.written.append(str(want.service))
    return None


def _specificity(entry: uvstore.Entry) -> int:
    return len("/".join(entry.url.path)) if entry.url is not None else -1


def remove_own(
    environ: Mapping[str, str], locations: Locations, uv: str, services: set[str] | None
) -> Outcome:
    """`logout`: remove uvcreds' own entries (those for `services`, or all), and nothing
    else: an entry uv's store no longer holds as uvcreds wrote it is only forgotten."""
    path = uvstore.store_file(environ)
    outcome = Outcome([], [], [])
    if not records.load(locations.data_dir)[0]:
        return outcome
    with records.locked(locations.data_dir):
        kept, warning = records.load(locations.data_dir)
        entries, unreadable = uvstore.read(path)
        if warning or unreadable:
            outcome.messages += [m for m in (warning, unreadable) if m]
            return outcome
        own = _own(kept, entries, path)
        left = [r for r in kept if r.store != path]
        for key, record in own.items():
            if services is not None and key[0] not in services:
                left.append(record)
                continue
            uvstore.logout(uv, record.service, record.username, environ)
            outcome.removed.append(record.service)
        records.save(locations.data_dir, left)
    return outcome


def describe(
    target: urls.Url | None, entries: Sequence[uvstore.Entry], own: Sequence[records.Record]
) -> str:
    """For status and doctor: what uv's store would give a request to `target`."""
    if target is None:
        return "none needed"
    picked = uvstore.lookup(entries, target)
    if not picked:
        return "no entry"
    if len(picked) > 1:
        names = ", ".join(repr(e.username) for e in picked)
        return f"{len(picked)} equally specific entries ({names}): uv sends none"
    entry = picked[0]
    mine = {(uvstore.service_key(urls.parse(r.service) or target), r.username): r for r in own}
    record = mine.get(entry.key())
    if record is None or record.digest != entry.digest:
        return f"your own entry for {entry.service} (username {entry.username!r})"
    if record.expires_at is None:
        return f"uvcreds' entry for {entry.service}"
    left = record.expires_at - time.time()
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(record.expires_at))
    state = "fresh" if left >= cache.EXPORT_MARGIN else "expired"
    return f"uvcreds' entry for {entry.service}, {state}, expires {when}"


Describe = Callable[[Optional[urls.Url]], str]
