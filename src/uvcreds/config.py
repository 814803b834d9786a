"""Find the project's package indexes exactly as uv does (see DESIGN.md, "Finding the indexes")."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from uvcreds import envnames
from uvcreds.debug import log

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


# Larger than any real pyproject.toml; keeps a hostile file from eating memory.
MAX_TOML_BYTES = 4 * 1024 * 1024

# Environment variables whose values change what discovery finds.
DISCOVERY_ENV = (
    "UV_INDEX",
    "UV_DEFAULT_INDEX",
    "UV_CONFIG_FILE",
    "UV_NO_CONFIG",
    "UV_NO_SYSTEM_CONFIG",
    "XDG_CONFIG_HOME",
    "XDG_CONFIG_DIRS",
    "APPDATA",
    "HOME",
    "UVCREDS_CONFIG",
)


@dataclass(frozen=True)
class Index:
    """One named `[[tool.uv.index]]` (or `[[index]]`, or `UV_INDEX` entry)."""

    name: str
    url: str
    source: str  # the file that defined it, or the environment variable
    publish_url: str | None = None

    @property
    def display_url(self) -> str:
        """The URL for messages: a password written into it is never shown."""
        return redact(self.url)


def redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#\\") if i >= 0), default=len(rest))
    # As uv reads it: the authority ends at the first / ? # (or \\), userinfo at its last @.
    userinfo, at, host = rest[:end].rpartition("@")
    if not sep or not at:
        return url
    if ":" not in userinfo:  # a lone username is often a token (https://TOKEN@host/)
        return f"{scheme}://****@{host}{rest[end:]}"
    return f"{scheme}://{userinfo.split(':', 1)[0]}:****@{host}{rest[end:]}"


@dataclass
class Problem:
    """Something wrong with the configuration; errors make `export` exit 1."""

    message: str
    is_error: bool = True


@dataclass
class Discovery:
    indexes: list[Index] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Files whose change can change the result, whether they exist now or not.
    watched: list[str] = field(default_factory=list)
    # pyproject.toml files whose `[tool.uvcreds]` tables apply, nearest first.
    project_files: list[Path] = field(default_factory=list)
    # Each TOML file read, parsed once (None: it did not parse, and that is reported).
    documents: dict[Path, dict[str, Any] | None] = field(default_factory=dict, repr=False)

    @property
    def project_dir(self) -> Path | None:
        return self.project_files[0].parent if self.project_files else None

    def document(self, path: Path) -> dict[str, Any] | None:
        """A TOML file parsed once; one that does not parse is a problem, reported once."""
        if path not in self.documents:
            try:
                self.documents[path] = read_toml(path)
            except ValueError as exc:
                self.problems.append(Problem(str(exc)))
                self.documents[path] = None
        return self.documents[path]


def is_truthy(value: str | None) -> bool:
    """uv's "boolish" environment values."""
    return (value or "").strip().lower() in {"1", "true", "yes", "on", "y", "t"}


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, or raise ValueError with a one-line reason that names the file."""
    log("reading %s", path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_TOML_BYTES:
        raise ValueError(f"{path}: larger than {MAX_TOML_BYTES // 1024 // 1024} MiB, not read")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}; fix the file") from None


def discover(cwd: Path, environ: Mapping[str, str]) -> Discovery:
    """Every named index uv would use from `cwd`, in uv's order, first definition winning."""
    found = Discovery()
    for variable in ("UV_DEFAULT_INDEX", "UV_INDEX"):
        for entry in environ.get(variable, "").split():
            _add_env_entry(found, variable, entry)
    if not is_truthy(environ.get("UV_NO_CONFIG")):
        config_file = environ.get("UV_CONFIG_FILE")
        if config_file:
            _add_config_file(found, cwd / config_file)
        else:
            _walk_project(found, cwd)
            for path in user_and_system_files(environ):
                _add_config_file(found, path)
    _drop_duplicates(found)
    return found


def _add_env_entry(found: Discovery, variable: str, entry: str) -> None:
    name, sep, url = entry.partition("=")
    if not sep or ":" in name:
        return  # an unnamed URL: uv cannot take credentials for it from the environment
    _add_index(found, Index(name=name, url=url, source=variable))


def _add_index(found: Discovery, index: Index) -> None:
    problem = envnames.name_problem(index.name)
    if problem:
        found.problems.append(Problem(f"{index.source}: {problem}; rename it"))
    else:
        publish_url = as_uv_reads(index.publish_url) if index.publish_url else None
        found.indexes.append(replace(index, url=as_uv_reads(index.url), publish_url=publish_url))


def as_uv_reads(url: str) -> str:
    """The URL with `\\` before its query as `/`: uv parses URLs as browsers do (WHATWG), and
    urlsplit does not, so `https://evil.example\\@x.d.codeartifact...` would otherwise be
    AWS's host here and evil.example's in uv, which sends it the credentials."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or "\\" not in rest:
        return url
    end = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    return f"{scheme}{sep}{rest[:end].replace(chr(92), '/')}{rest[end:]}"


def _walk_project(found: Discovery, cwd: Path) -> None:
    """Walk up from cwd; in each directory uv.toml beats a pyproject.toml with `[tool.uv]`."""
    for directory in (cwd, *cwd.parents):
        uv_toml = directory / "uv.toml"
        pyproject = directory / "pyproject.toml"
        found.watched.extend((str(uv_toml), str(pyproject)))
        if uv_toml.is_file():
            if pyproject.is_file():
                found.project_files.append(pyproject)
            _add_config_file(found, uv_toml)
            return
        table = _tool_uv(found, pyproject) if pyproject.is_file() else None
        if table is not None:
            root = _workspace_root(found, directory, table)
            if root is not None and root != directory:
                _walk_project(found, root)
                return
            found.project_files.append(pyproject)
            _add_indexes(found, table.get("index"), pyproject, "[[tool.uv.index]]")
            _add_workspace_members(found, directory, table)
            return


def _tool_uv(found: Discovery, pyproject: Path) -> dict[str, Any] | None:
    document = found.document(pyproject)
    if document is None:
        return None
    tool = document.get("tool")
    table = tool.get("uv") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _workspace_root(found: Discovery, member_dir: Path, table: dict[str, Any]) -> Path | None:
    """The directory of the workspace that lists member_dir, if any (it holds the settings)."""
    if isinstance(table.get("workspace"), dict):
        return member_dir
    for directory in member_dir.parents:
        pyproject = directory / "pyproject.toml"
        found.watched.append(str(pyproject))
        if not pyproject.is_file():
            continue
        root_table = _tool_uv(found, pyproject)
        if root_table and isinstance(root_table.get("workspace"), dict):
            if member_dir in _member_dirs(directory, root_table):
                return directory
            return None
    return None


def _member_dirs(root: Path, table: dict[str, Any]) -> list[Path]:
    workspace = table.get("workspace")
    if not isinstance(workspace, dict):
        return []
    excluded = {p for pattern in _strings(workspace.get("exclude")) for p in root.glob(pattern)}
    members = [p for pattern in _strings(workspace.get("members")) for p in root.glob(pattern)]
    return sorted(p for p in members if p not in excluded and (p / "pyproject.toml").is_file())


def _add_workspace_members(found: Discovery, root: Path, table: dict[str, Any]) -> None:
    for member in _member_dirs(root, table):
        pyproject = member / "pyproject.toml"
        if member == root:
            continue
        found.watched.append(str(pyproject))
        member_table = _tool_uv(found, pyproject)
        if member_table is not None:
            found.project_files.append(pyproject)
            _add_indexes(found, member_table.get("index"), pyproject, "[[tool.uv.index]]")


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _add_config_file(found: Discovery, path: Path) -> None:
    """A uv.toml-format file: user, system, UV_CONFIG_FILE, or a project's own."""
    found.watched.append(str(path))
    if not path.is_file():
        return
    document = found.document(path)
    if document is None:
        return
    _add_indexes(found, document.get("index"), path, "[[index]]")


def _add_indexes(found: Discovery, entries: object, path: Path, table: str) -> None:
    if entries is None:
        return
    if not isinstance(entries, list):
        found.problems.append(Problem(f"{path}: {table} must be an array of tables"))
        return
    for position, entry in enumerate(entries, start=1):
        where = f"{path}: {table} entry {position}"
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            found.problems.append(Problem(f"{where} needs a string 'url'"))
            continue
        name = entry.get("name")
        if name is None:
            continue  # unnamed: uv reads no credential variables for it
        if not isinstance(name, str):
            found.problems.append(Problem(f"{where}: 'name' must be a string"))
            continue
        publish_url = entry.get("publish-url")
        _add_index(
            found,
            Index(
                name=name,
                url=_resolve_url(entry["url"], path.parent),
                source=str(path),
                publish_url=publish_url if isinstance(publish_url, str) else None,
            ),
        )


def _resolve_url(url: str, base: Path) -> str:
    """Relative paths are relative to the config file's directory, as uv has it."""
    if "://" in url or os.path.isabs(url):
        return url
    return str(base / url)


def user_and_system_files(environ: Mapping[str, str]) -> list[Path]:
    files = [_user_config_dir(environ) / "uv" / "uv.toml"]
    if not is_truthy(environ.get("UV_NO_SYSTEM_CONFIG")):
        files.append(_system_config_file(environ))
    return files


def _user_config_dir(environ: Mapping[str, str]) -> Path:
    if sys.platform == "win32" and environ.get("APPDATA"):
        return Path(environ["APPDATA"])
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg)
    return Path(environ.get("HOME") or os.path.expanduser("~")) / ".config"


def _system_config_file(environ: Mapping[str, str]) -> Path:
    if sys.platform == "win32":
        return Path(environ.get("SYSTEMDRIVE", "C:") + "\\") / "ProgramData" / "uv" / "uv.toml"
    for directory in (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"):
        candidate = Path(directory) / "uv" / "uv.toml"
        if directory and candidate.is_file():
            return candidate
    return Path("/etc/uv/uv.toml")


def _drop_duplicates(found: Discovery) -> None:
    """Same name twice: the first wins. Two names, one variable: warn, the first wins."""
    by_name: set[str] = set()
    by_stem: dict[str, Index] = {}
    kept: list[Index] = []
    for index in found.indexes:
        if index.name in by_name:
            continue
        by_name.add(index.name)
        stem = envnames.env_stem(index.name)
        first = by_stem.get(stem)
        if first is not None:
            found.problems.append(
                Problem(
                    f"index {index.name!r} ({index.source}) maps to the same variables as "
                    f"{first.name!r} ({first.source}); {first.name!r} wins, rename one",
                    is_error=False,
                )
            )
            continue
        by_stem[stem] = index
        kept.append(index)
    found.indexes = kept
