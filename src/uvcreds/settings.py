"""Which provider and settings apply to each index: personal config by URL, team settings by name.

Personal settings (`[[credential]]` in the user's config) are bound to an index URL prefix,
so a secret they name goes only where the user said. Team settings
(`[tool.uvcreds.index.NAME]` in the project) that run a program or say where a secret is
sent or fetched count only once the project is allowed (see trust.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uvcreds import paths, trust
from uvcreds.config import Discovery, Index, Problem, read_toml
from uvcreds.errors import UvcredsError
from uvcreds.providers import detect, lookup
from uvcreds.providers.base import Provider, Settings

# Team settings that run a program or change where a secret goes: they need `uvcreds allow`.
# So does a `provider` other than the one the URL's own anchored pattern picks.
SENSITIVE_KEYS = frozenset(
    {"command", "password-env", "username-env", "token-env", "domain", "domain-owner", "region"}
)


@dataclass(frozen=True)
class Resolved:
    index: Index
    provider: str | None  # None: no credentials needed (a public index)
    settings: Settings
    trust: str  # trust state of the project settings used, or "" when none were


def user_config(environ: Mapping[str, str]) -> tuple[Path, list[dict[str, Any]]]:
    """The user's `[[credential]]` entries; a malformed file is an error naming it."""
    path = Path(paths.config_file(environ))
    if not path.is_file():
        return path, []
    try:
        document = read_toml(path)
    except ValueError as exc:
        raise UvcredsError(str(exc)) from None
    entries = document.get("credential", [])
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("url"), str) for entry in entries
    ):
        raise UvcredsError(f"{path}: each [[credential]] needs a string 'url'")
    return path, entries


def resolve(
    discovery: Discovery, environ: Mapping[str, str]
) -> tuple[list[Resolved], list[Problem]]:
    config_path, credentials = user_config(environ)
    tables, problems = _project_tables(discovery)
    dotenv = discovery.project_dir / ".env" if discovery.project_dir else None
    resolved: list[Resolved] = []
    for index in discovery.indexes:
        try:
            resolved.append(
                _resolve_one(index, credentials, config_path, tables, environ, dotenv, problems)
            )
        except UvcredsError as exc:
            problems.append(Problem(str(exc)))
    return resolved, problems


def _resolve_one(
    index: Index,
    credentials: list[dict[str, Any]],
    config_path: Path,
    tables: dict[str, tuple[Path, dict[str, Any]]],
    environ: Mapping[str, str],
    dotenv: Path | None,
    problems: list[Problem],
) -> Resolved:
    personal = _longest_prefix(index.url, credentials)
    team_path, team = tables.get(index.name, (None, {}))
    trust_state = ""
    if team_path is not None:
        trust_state = trust.state(team_path, environ)
        source = Path(index.source)
        if trust_state == trust.ALLOWED and source.name == "pyproject.toml" and source != team_path:
            # A workspace member defines this index: where the secret goes is that file's to say,
            # so it must be allowed (and unchanged since) as well.
            trust_state = trust.state(source, environ)
        sensitive = SENSITIVE_KEYS & team.keys()
        if "provider" in team and team["provider"] != detect(index.url):
            # A vendor's token (Google's, Azure's) for a host that is not the vendor's.
            sensitive |= {"provider"}
        needs_trust = sorted(sensitive)
        if needs_trust and trust_state != trust.ALLOWED:
            team = {k: v for k, v in team.items() if k not in sensitive}
            if trust_state == trust.NOT_ALLOWED:
                problems.append(
                    Problem(
                        f"{team_path}: [tool.uvcreds.index.{index.name}] sets "
                        f"{', '.join(needs_trust)}, ignored until you run "
                        f"`uvcreds allow {team_path.parent}`"
                    )
                )
    values = {**team, **{k: v for k, v in (personal or {}).items() if k != "url"}}
    origin = (
        f"{config_path} ([[credential]] {personal['url']})"
        if personal
        else f"{team_path} ([tool.uvcreds.index.{index.name}])"
        if team_path
        else "defaults"
    )
    provider_name = values.get("provider")
    if provider_name is not None and not isinstance(provider_name, str):
        raise UvcredsError(f"{origin}: 'provider' must be a string")
    provider = provider_name or detect(index.url)
    if provider is not None:
        _check_keys(lookup(provider, f"index {index.name!r} ({origin})"), values, origin)
    return Resolved(index, provider, Settings(values, environ, dotenv, origin), trust_state)


def _check_keys(provider: Provider, values: Mapping[str, object], origin: str) -> None:
    known = {"provider", *provider.KEYS}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UvcredsError(
            f"{origin}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )


def _longest_prefix(url: str, credentials: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The `[[credential]]` whose url is the longest prefix of this URL, ending at a `/`."""
    matches = [entry for entry in credentials if _is_prefix(entry["url"], url)]
    return max(matches, key=lambda entry: len(entry["url"]), default=None)


def _is_prefix(prefix: str, url: str) -> bool:
    if not url.startswith(prefix):
        return False
    # `https://acme.jfrog.io` must not match `https://acme.jfrog.io.evil.com/…`.
    return prefix.endswith("/") or len(url) == len(prefix) or url[len(prefix)] in "/?#"


def _project_tables(
    discovery: Discovery,
) -> tuple[dict[str, tuple[Path, dict[str, Any]]], list[Problem]]:
    """`[tool.uvcreds.index.NAME]` tables, the nearest project file first."""
    tables: dict[str, tuple[Path, dict[str, Any]]] = {}
    problems: list[Problem] = []
    for path in discovery.project_files:
        document = discovery.document(path)
        if document is None:
            continue  # reported as a problem of the discovery
        tool = document.get("tool", {})
        section = tool.get("uvcreds", {}) if isinstance(tool, dict) else {}
        indexes = section.get("index", {}) if isinstance(section, dict) else None
        if not isinstance(indexes, dict):
            problems.append(Problem(f"{path}: [tool.uvcreds.index] must be a table of tables"))
            continue
        for name, table in indexes.items():
            if not isinstance(table, dict):
                problems.append(Problem(f"{path}: [tool.uvcreds.index.{name}] must be a table"))
            else:
                tables.setdefault(name, (path, table))
    return tables, problems
