"""Which provider and settings apply to each index: personal config by URL, team settings by name.

Personal settings (`[[credential]]` in the user's config) are bound to an index URL prefix,
so a secret they name goes only where the user said. Team settings
(`[tool.uvcreds.index.NAME]` in the project) that run a program or say where a secret is
sent or fetched (each provider's SENSITIVE keys) count only once the project is allowed
(see trust.py); so does a `provider` other than the one the URL's own host picks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.model import Index, Problem
from uvcreds.providers import PROVIDERS, detect, lookup
from uvcreds.providers.base import Provider, Settings
from uvcreds.state import secure, trust
from uvcreds.uv.found import Discovery
from uvcreds.uv.toml import read_toml


@dataclass(frozen=True)
class Resolved:
    """One index with the provider and settings that get its credential."""

    index: Index
    provider: str | None  # None: no credentials needed (a public index)
    settings: Settings
    binding: urls.Url | None = None  # the personal `[[credential]]` url the settings came from
    project_bound: bool = False  # an allowed project's settings named the secret or program
    team_file: Path | None = None  # the project file with `[tool.uvcreds.index.NAME]`
    problem: str | None = None  # why the settings cannot be used (then provider is None)

    @property
    def provider_module(self) -> Provider | None:
        return PROVIDERS[self.provider] if self.provider else None


@dataclass(frozen=True)
class Credentials:
    """The user's `[[credential]]` entries, each with its url parsed."""

    path: Path
    entries: list[tuple[urls.Url, dict[str, Any]]]


def user_config(path: Path) -> Credentials:
    """The user's `[[credential]]` entries; a malformed file is an error naming it, and so
    is one another local user could have written (secure.trusted_file): nothing from it is
    used, since it binds secrets to hosts and names programs to run."""
    if not secure.trusted_file(str(path), "personal config"):
        return Credentials(path, [])
    document = read_toml(path)
    entries = document.get("credential", [])
    if not isinstance(entries, list):
        raise UvcredsError(f"{path}: [[credential]] must be an array of tables")
    parsed = []
    for position, entry in enumerate(entries, start=1):
        url = entry.get("url") if isinstance(entry, dict) else None
        where = f"{path}: [[credential]] {position}"
        if not isinstance(url, str):
            raise UvcredsError(f"{where} needs a string 'url'")
        try:
            target = urls.parse(url)
        except urls.UrlError as exc:
            raise UvcredsError(
                f"{where}: url {urls.display(url)!r} does not parse ({exc})"
            ) from None
        if target is None:
            raise UvcredsError(f"{where}: url {url!r} is not an http or https URL")
        parsed.append((target, entry))
    return Credentials(path, parsed)


def resolve(
    discovery: Discovery,
    environ: Mapping[str, str],
    credentials: Credentials,
    trust_state: str,
) -> tuple[list[Resolved], list[Problem]]:
    """Provider and settings for every index discovery found (an error on one index is
    that index's, the others resolve)."""
    tables, problems = _project_tables(discovery)
    dotenv = discovery.trust_dir / ".env"
    resolved = []
    for index in discovery.indexes:
        try:
            item, ignored = _resolve_one(index, credentials, tables, environ, dotenv, trust_state)
        except UvcredsError as exc:
            item, ignored = Resolved(index, None, Settings({}, environ), problem=str(exc)), []
        resolved.append(item)
        problems += _convention(item)
        team_path = tables.get(index.name, (None, {}))[0]
        if ignored and trust_state == trust.NOT_ALLOWED:
            problems.append(
                Problem(
                    f"{team_path}: [tool.uvcreds.index.{index.name}] sets {', '.join(ignored)}, "
                    f"ignored until you run `uvcreds allow {discovery.trust_dir}`"
                )
            )
    problems += _naming_no_index(tables, discovery)
    return resolved, _unique(problems)


def _convention(item: Resolved) -> list[Problem]:
    """One line when the username set for an index breaks the convention of its provider, or
    of the vendor its URL names (an env binding on a JFrog URL): said before uv fails."""
    username = item.settings.values.get("username")
    if not isinstance(username, str) or not username or item.provider is None:
        return []  # an empty one: the provider may fill in its own (azure), or keep it (jfrog)
    for name in dict.fromkeys([item.provider, detect(item.index.target)]):
        clause = PROVIDERS[name].username_problem(username) if name else None
        if clause is not None:
            return [Problem(f"{item.settings.origin}: {clause}", is_error=False)]
    return []


def _naming_no_index(
    tables: Mapping[str, tuple[Path, dict[str, Any]]], discovery: Discovery
) -> list[Problem]:
    """One line for each `[tool.uvcreds.index.NAME]` that names no index here (a typo), with
    the name it may mean; bounded, however many tables and indexes a hostile file has."""
    import difflib

    names = {index.name for index in discovery.indexes}
    unmatched = [name for name in tables if name not in names]
    listed = sorted(names) if len(names) <= MAX_SUGGESTED else []
    problems = []
    for name in unmatched[:MAX_SAID]:
        close = difflib.get_close_matches(name, listed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (indexes: {_some(sorted(names))})"
        where = f"{tables[name][0]}: [tool.uvcreds.index.{name}]"
        problems.append(Problem(f"{where} names no index here{hint}", is_error=False))
    if len(unmatched) > MAX_SAID:
        more = len(unmatched) - MAX_SAID
        problems.append(Problem(f"and {more} more [tool.uvcreds.index] tables", is_error=False))
    return problems


MAX_SAID = 5  # typo lines said at once
MAX_SUGGESTED = 200  # indexes a typo is compared with (difflib is quadratic in the name)


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:10]) or "none"
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _resolve_one(
    index: Index,
    credentials: Credentials,
    tables: Mapping[str, tuple[Path, dict[str, Any]]],
    environ: Mapping[str, str],
    dotenv: Path,
    trust_state: str,
) -> tuple[Resolved, list[str]]:
    """The index resolved, and the team keys left out because the project is not allowed."""
    binding, personal = _longest_prefix(index, credentials)
    team_path, team = tables.get(index.name, (None, {}))
    personal_origin = f"{credentials.path} ([[credential]] {binding})"
    team_origin = f"{team_path} ([tool.uvcreds.index.{index.name}])"
    allowed = trust_state == trust.ALLOWED
    detected = detect(index.target)
    team_provider = _provider_name(team, team_origin)
    ignored: set[str] = set()
    if team_provider is not None and team_provider != detected and not allowed:
        # A vendor's token (Google's, Azure's) for a host that is not the vendor's.
        declared = PROVIDERS.get(team_provider)
        ignored = {"provider"} | (set(declared.SENSITIVE & team.keys()) if declared else set())
        team = {k: v for k, v in team.items() if k not in ignored}
    name = _provider_name(personal, personal_origin) or team.get("provider") or detected
    if name is None:
        known = set().union(*(p.KEYS for p in PROVIDERS.values()))
        _check_known(known, personal, personal_origin)
        _check_known(known, team, team_origin)  # a typo is said even where nothing applies
        no_provider = Resolved(index, None, Settings({}, environ, dotenv), team_file=team_path)
        return no_provider, sorted(ignored)
    provider = lookup(name, f"index {index.name!r} ({personal_origin if binding else team_origin})")
    _check_keys(provider, personal, personal_origin)
    _check_keys(provider, team, team_origin)
    sensitive = set(provider.SENSITIVE & team.keys())
    if not allowed:
        team = {k: v for k, v in team.items() if k not in sensitive}
        ignored |= sensitive
    values = {**team, **{k: v for k, v in personal.items() if k != "url"}}
    origin = personal_origin if binding else team_origin if team_path else "defaults"
    redirected = team_provider is not None and team_provider != detected
    project_bound = allowed and bool(sensitive - personal.keys() or redirected)
    settings = Settings(values, environ, dotenv, origin)
    return Resolved(index, name, settings, binding, project_bound, team_path), sorted(ignored)


def _provider_name(values: Mapping[str, object], origin: str) -> str | None:
    name = values.get("provider")
    if name is not None and not isinstance(name, str):
        raise UvcredsError(f"{origin}: 'provider' must be a string")
    return name


def _check_keys(provider: Provider, values: Mapping[str, object], origin: str) -> None:
    _check_known(set(provider.KEYS), values, origin)


def _check_known(keys: set[str], values: Mapping[str, object], origin: str) -> None:
    known = {"provider", "url", *keys}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UvcredsError(
            f"{origin}: unknown setting {unknown[0]!r} "
            f"(known: {', '.join(sorted(known - {'url'}))})"
        )


def _longest_prefix(
    index: Index, credentials: Credentials
) -> tuple[urls.Url | None, dict[str, Any]]:
    """The `[[credential]]` whose url covers the index URL by whole segments, the longest."""
    if index.target is None:
        return None, {}
    matches = [(url, entry) for url, entry in credentials.entries if url.covers(index.target)]
    if not matches:
        return None, {}
    return max(matches, key=lambda match: len(match[0].path))


def _project_tables(
    discovery: Discovery,
) -> tuple[dict[str, tuple[Path, dict[str, Any]]], list[Problem]]:
    """`[tool.uvcreds.index.NAME]` tables, the root's first, then the members'."""
    tables: dict[str, tuple[Path, dict[str, Any]]] = {}
    problems: list[Problem] = []
    for path in discovery.project_files:
        document = discovery.documents.get(path)
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


def _unique(problems: list[Problem]) -> list[Problem]:
    return list({p.message: p for p in reversed(problems)}.values())[::-1]
