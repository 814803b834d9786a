"""`UV_PUBLISH_*`: the credential for the URL `uv publish` uploads to, only where a binding
covers that URL (DESIGN.md, "Publishing")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.model import Credential, Index, Problem
from uvcreds.pipeline.alone import answer_for, standalone
from uvcreds.pipeline.decide import Decision, Result, scope_of
from uvcreds.pipeline.environment import RecordingEnviron
from uvcreds.state.paths import Locations

Warn = Callable[[str], None]


PYPI_UPLOAD = "https://upload.pypi.org/legacy/"


def publish_command(
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
                for k, v in publish_variables(
                    result, recorded, name, cwd, locations, warn, f"uv publish --index {name}"
                ).items()
                if k != "UV_PUBLISH_INDEX"
            }
        url, source = _publish_url(result, recorded)
        return _publish_to(result, recorded, url, source, cwd, locations, warn)
    except UvcredsError as exc:
        result.problems.append(Problem(str(exc), is_error=False))
        return {}


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
    item = standalone(target, recorded, result.credentials)
    answer = answer_for(item, target, result, recorded, cwd, locations, warn)
    if answer is not None:
        return {"UV_PUBLISH_USERNAME": answer[1], "UV_PUBLISH_PASSWORD": answer[0].password}
    if not source:
        return {}  # PyPI, which uvcreds was not asked to serve
    raise UvcredsError(
        f"uv publish: no credential is bound to its publish URL {target} ({source}); "
        "UV_PUBLISH_* are not set. If uploads go there, bind that URL in your config"
    )


def publish_variables(
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
        item = standalone(target, recorded, result.credentials)
        found = answer_for(item, target, result, recorded, cwd, locations, warn)
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
