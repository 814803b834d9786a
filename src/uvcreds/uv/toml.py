"""Settings files as uv reads them: bounded TOML, and which `[tool.uv]` tables and index
entries uv 0.13 can deserialize (one it cannot is skipped, and uv walks on upward)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from uvcreds import urls
from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.names import name_problem
from uvcreds.state import files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from uvcreds.uv.bounds import MAX_INDEXES

# `[tool.uv]` keys uv 0.13 accepts: any other makes uv skip the whole table.
TOOL_UV_KEYS = frozenset(
    [
        "add-bounds",
        "allow-insecure-host",
        "audit",
        "build-backend",
        "build-constraint-dependencies",
        "cache-dir",
        "cache-keys",
        "check-url",
        "compile-bytecode",
        "concurrent-builds",
        "concurrent-downloads",
        "concurrent-installs",
        "config-settings",
        "config-settings-package",
        "conflicts",
        "constraint-dependencies",
        "default-groups",
        "dependency-groups",
        "dependency-metadata",
        "dev-dependencies",
        "environments",
        "exclude-dependencies",
        "exclude-newer",
        "exclude-newer-package",
        "extra-build-dependencies",
        "extra-build-variables",
        "extra-index-url",
        "find-links",
        "fork-strategy",
        "http-proxy",
        "https-proxy",
        "index",
        "index-strategy",
        "index-url",
        "keyring-provider",
        "link-mode",
        "managed",
        "native-tls",
        "no-binary",
        "no-binary-package",
        "no-build",
        "no-build-isolation",
        "no-build-isolation-package",
        "no-build-package",
        "no-cache",
        "no-index",
        "no-proxy",
        "no-sources",
        "no-sources-package",
        "offline",
        "override-dependencies",
        "package",
        "pip",
        "prerelease",
        "prerelease-package",
        "preview",
        "preview-features",
        "publish-url",
        "pypy-install-mirror",
        "python-downloads",
        "python-downloads-json-url",
        "python-install-mirror",
        "python-preference",
        "reinstall",
        "reinstall-package",
        "required-environments",
        "required-version",
        "resolution",
        "sources",
        "system-certs",
        "torch-backend",
        "trusted-publishing",
        "upgrade",
        "upgrade-package",
        "workspace",
    ]
)

# `[tool.uv.pip]` keys uv 0.13 accepts (its own error lists them): any other, `index`
# among them, makes uv skip the whole `[tool.uv]` table.
PIP_KEYS = frozenset(
    [
        "all-extras",
        "allow-empty-requirements",
        "annotation-style",
        "break-system-packages",
        "compile-bytecode",
        "config-settings",
        "config-settings-package",
        "custom-compile-command",
        "dependency-metadata",
        "emit-build-options",
        "emit-find-links",
        "emit-index-annotation",
        "emit-index-url",
        "emit-marker-expression",
        "exclude-newer",
        "exclude-newer-package",
        "extra",
        "extra-build-dependencies",
        "extra-build-variables",
        "extra-index-url",
        "find-links",
        "fork-strategy",
        "generate-hashes",
        "group",
        "index-strategy",
        "index-url",
        "keyring-provider",
        "link-mode",
        "no-annotate",
        "no-binary",
        "no-build",
        "no-build-isolation",
        "no-build-isolation-package",
        "no-deps",
        "no-emit-package",
        "no-extra",
        "no-header",
        "no-index",
        "no-sources",
        "no-sources-package",
        "no-strip-extras",
        "no-strip-markers",
        "only-binary",
        "output-file",
        "prefix",
        "prerelease",
        "python",
        "python-platform",
        "python-version",
        "reinstall",
        "reinstall-package",
        "require-build-hashes",
        "require-hashes",
        "resolution",
        "strict",
        "system",
        "target",
        "torch-backend",
        "universal",
        "upgrade",
        "upgrade-package",
        "verify-hashes",
    ]
)

# Keys only a pyproject.toml may have: uv refuses a uv.toml with them.
PYPROJECT_ONLY_KEYS = frozenset(
    [
        "conflicts",
        "workspace",
        "sources",
        "dev-dependencies",
        "default-groups",
        "dependency-groups",
        "managed",
        "package",
        "build-backend",
        "environments",
        "required-environments",
    ]
)

INDEX_BOOLEANS = ("explicit", "default")

INDEX_CHOICES = {"format": ("simple", "flat"), "authenticate": ("auto", "always", "never")}

ENV_SOURCES = ("UV_DEFAULT_INDEX", "UV_INDEX")


def is_truthy(value: str | None) -> bool:
    """uv's "boolish" environment values."""
    return (value or "").strip().lower() in {"1", "true", "yes", "on", "y", "t"}


def read_toml_bytes(path: Path) -> bytes:
    log("reading %s", path)
    return files.read_bounded(str(path), "TOML file")


def parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    """Parse TOML, or raise UvcredsError with a one-line reason that names the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UvcredsError(f"{path}: not UTF-8 text; fix the file") from None
    shape = files.check_toml_shape(text)
    if shape:
        raise UvcredsError(f"{path}: {shape}; not read")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UvcredsError(f"{path}: invalid TOML: {exc}; fix the file") from None
    except RecursionError:
        raise UvcredsError(f"{path}: nested too deeply; not read") from None


def read_toml(path: Path) -> dict[str, Any]:
    return parse_toml(path, read_toml_bytes(path))


def tool_uv_of(document: dict[str, Any]) -> dict[str, Any]:
    tool = document.get("tool")
    table = tool.get("uv") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else {}


def tool_uv_problem(table: dict[str, Any]) -> str | None:
    """Why uv cannot deserialize this settings table, as far as uvcreds checks it."""
    unknown = sorted(set(table) - TOOL_UV_KEYS)
    if unknown:
        return f"has the unknown key {unknown[0]!r}"
    pip = table.get("pip")
    unknown = sorted(set(pip) - PIP_KEYS) if isinstance(pip, dict) else []
    if unknown:
        return f"has the unknown key 'pip.{unknown[0]}'"
    return index_entries_problem(table.get("index"))


def index_entries_problem(entries: object) -> str | None:
    if entries is None:
        return None
    if not isinstance(entries, list):
        return "'index' is not an array of tables"
    if len(entries) > MAX_INDEXES:
        return None  # not checked one by one: the bound says it when they are read
    names: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        problem = index_entry_problem(entry)
        if problem is None and isinstance(entry, dict) and isinstance(entry.get("name"), str):
            if entry["name"] in names:
                problem = f"repeats the name {entry['name']!r}"
            names.add(entry["name"])
        if problem is not None:
            return f"index entry {position} {problem}"
    return None


def index_entry_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "is not a table"
    if not isinstance(entry.get("url"), str):
        return "needs a string 'url'"
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or name_problem(name)):
        return f"has the name {name!r}, which uv refuses"
    for key in INDEX_BOOLEANS:
        if key in entry and not isinstance(entry[key], bool):
            return f"has a '{key}' that is not true or false"
    for key, choices in INDEX_CHOICES.items():
        if key in entry and entry[key] not in choices:
            return f"has a '{key}' that is not one of {', '.join(choices)}"
    if entry.get("explicit") is True and name is None:
        return "is explicit but has no 'name'"
    publish = entry.get("publish-url")
    if publish is not None and not isinstance(publish, str):
        return "has a 'publish-url' that is not a string"
    try:
        for url in (entry["url"], publish):
            if isinstance(url, str):
                urls.parse(url)
    except urls.UrlError:
        return "has a URL uv cannot parse"
    return None
