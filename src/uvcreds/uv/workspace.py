"""The workspace around a project as uv finds it (crates/uv-workspace): the root whose
`[tool.uv.workspace]` lists the project, and its members by uv's globs (relative,
absolute, `.`, `**`), bounded."""

from __future__ import annotations

import fnmatch
import os
import sys
from pathlib import Path
from typing import Any

from uvcreds.errors import UvcredsError
from uvcreds.model import Problem

if sys.version_info >= (3, 11):
    pass
else:
    pass
from uvcreds.uv.found import Discovery, document_or_empty, is_file, regular, strings
from uvcreds.uv.toml import tool_uv_of


def workspace(found: Discovery) -> list[Path]:
    """Find the workspace root; returns the pyproject.toml of the root and each member
    (empty when there is no workspace, or uv could not read it, which is then reported)."""
    start = found.project_dir
    project_file = next(
        (d / "pyproject.toml" for d in (start, *start.parents) if is_file(found, d)), None
    )
    if project_file is None:
        return []
    document = found.document(project_file, project=True)
    if document is None:
        found.problems.append(Problem(found.failure(project_file)))
        return []
    table = tool_uv_of(document)
    if table.get("managed") is False:
        return []
    root, workspace = project_file.parent, table.get("workspace")
    if not isinstance(workspace, dict) and not isinstance(document.get("project"), dict):
        return []  # neither a project nor a workspace: uv reads only its settings
    try:
        if not isinstance(workspace, dict):
            root, workspace = _enclosing_workspace(found, project_file.parent)
        found.root = root
        return _members(found, root, workspace)
    except UvcredsError as exc:
        found.root = None
        found.problems.append(Problem(f"{exc}; uv refuses this workspace too"))
        return []


def _enclosing_workspace(found: Discovery, project: Path) -> tuple[Path, dict[str, Any]]:
    """The workspace above `project` that lists it, else the project alone. uv looks only at
    the first pyproject.toml above: a plain project there ends the search."""
    for directory in project.parents:
        if not is_file(found, directory):
            continue
        pyproject = directory / "pyproject.toml"
        document = found.document(pyproject, project=True)
        if document is None:
            raise UvcredsError(found.failure(pyproject))
        workspace = tool_uv_of(document).get("workspace")
        if isinstance(workspace, dict) and _lists(directory, workspace, project):
            return directory, workspace
        break
    return project, {}


def _lists(root: Path, workspace: dict[str, Any], project: Path) -> bool:
    """Whether `members` matches the project's path and `exclude` does not (uv matches each
    glob against the whole path, so `*` also matches `/` here)."""

    def matches(patterns: object) -> bool:
        return any(
            fnmatch.fnmatchcase(str(project), str(_absolute_glob(root, pattern)))
            for pattern in strings(patterns)
        )

    return matches(workspace.get("members")) and not matches(workspace.get("exclude"))


def _absolute_glob(root: Path, pattern: str) -> Path:
    """uv's normalisation: `./` and `..` resolved, then joined to the (escaped) root."""
    normalized = os.path.normpath(pattern) if pattern not in ("", ".") else ""
    joined = normalized if os.path.isabs(normalized) else os.path.join(_escape(root), normalized)
    return Path(joined)


def _escape(path: Path) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in str(path))


def _members(found: Discovery, root: Path, workspace: dict[str, Any]) -> list[Path]:
    """The root's pyproject.toml and each member's, as uv collects them; a member uv would
    refuse (no pyproject.toml, no [project], a nested workspace) raises UvcredsError."""
    pyprojects = [root / "pyproject.toml"]
    seen = {root} if isinstance(document_or_empty(found, root).get("project"), dict) else set()
    excluded = strings(workspace.get("exclude"))
    for pattern in strings(workspace.get("members")):
        for matched in _glob(found, _absolute_glob(root, pattern)):
            member = Path(os.path.normpath(matched))
            if member in seen or any(
                fnmatch.fnmatchcase(str(member), str(_absolute_glob(root, e))) for e in excluded
            ):
                continue
            seen.add(member)
            if not found.spend("MAX_MEMBERS"):
                return []
            pyproject = _member_pyproject(found, member)
            if pyproject is not None:
                pyprojects.append(pyproject)
    known = set(found.project_files)
    found.project_files.extend(p for p in dict.fromkeys(pyprojects) if p not in known)
    return pyprojects


def _member_pyproject(found: Discovery, member: Path) -> Path | None:
    pyproject = member / "pyproject.toml"
    found.watch(pyproject)
    found._listed.add(str(pyproject))
    if not member.is_dir():
        return None
    if not regular(found, pyproject):
        if member.name.startswith(".") or not _has_files(member):
            return None  # uv skips hidden and empty directories
        raise UvcredsError(f"{member}: a workspace member without pyproject.toml")
    document = found.document(pyproject, project=True)
    if document is None:
        raise UvcredsError(found.failure(pyproject))
    table = tool_uv_of(document)
    if table.get("managed") is False:
        return None
    if not isinstance(document.get("project"), dict):
        raise UvcredsError(f"{pyproject}: a workspace member without a [project] table")
    if isinstance(table.get("workspace"), dict):
        raise UvcredsError(f"{pyproject}: a workspace member that is a workspace itself")
    return pyproject


def _has_files(directory: Path, budget: int = 1000) -> bool:
    """Whether any file is below `directory` (uv also ignores ones git ignores; we do not)."""
    for _, _, names in os.walk(directory):
        budget -= 1
        if names or budget <= 0:
            return True
    return False


def _glob(found: Discovery, pattern: Path) -> list[str]:
    """The paths a glob crate pattern matches (`*`, `?`, `[...]` within one part, `**` for
    any number of directories, hidden entries included), sorted; every directory whose
    listing was read is watched, so a member created later is noticed. A trailing `**`
    matches one directory or more, never the one it follows (uv 0.13: `packages/**` takes
    what is below `packages/`, not `packages/` itself). Each directory is listed once (one
    `readdir`, no `stat` per entry), and at most MAX_LISTINGS of them; paths stay strings
    (a Path per entry costs more than the listing)."""
    parts = pattern.parts
    matches: list[str] = []

    def walk(base: str, rest: tuple[str, ...]) -> None:
        if not rest:
            matches.append(base)
            return
        head, tail = rest[0], rest[1:]
        if head == "**":
            if tail:
                walk(base, tail)
            for name, is_dir in _listing(found, base):
                if is_dir:
                    child = os.path.join(base, name)
                    if not tail:
                        matches.append(child)
                    walk(child, rest)
        elif any(c in head for c in "*?["):
            for name, _ in _listing(found, base):
                if fnmatch.fnmatchcase(name, head):
                    walk(os.path.join(base, name), tail)
        elif os.path.exists(os.path.join(base, head)):
            walk(os.path.join(base, head), tail)
        else:
            found.watch(os.path.join(base, head))  # a directory created later may hold members

    walk(parts[0], parts[1:])
    return sorted(dict.fromkeys(matches), key=lambda path: path.split(os.sep))


def _listing(found: Discovery, directory: str) -> list[tuple[str, bool]]:
    """The names in `directory`, each with whether it is a directory (not a link to one);
    nothing once MAX_LISTINGS directories were listed."""
    if not found.spend("MAX_LISTINGS"):
        return []
    found.watch(directory)
    found._listed.add(directory)
    try:
        with os.scandir(directory) as entries:
            return sorted((entry.name, _is_real_dir(entry)) for entry in entries)
    except OSError:
        return []


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
