"""Find every index uv reads a credential variable for, exactly as uv does.

uv's source is the authority (crates/uv/src/lib.rs, uv-workspace, uv-settings); DESIGN.md,
"Finding the indexes", says it in prose. In short:
- uv starts in the project directory: the current one, moved by `UV_WORKING_DIR` (else
  `UV_WORKING_DIRECTORY`), then `UV_PROJECT` (or, for a script, the script's own directory);
- it finds the nearest `pyproject.toml` and the workspace that contains it;
- its *settings* come from the first directory, walking up from the workspace root, with a
  `uv.toml` or a `pyproject.toml` whose `[tool.uv]` it can read; then the user and system
  `uv.toml` (`UV_CONFIG_FILE` replaces all of these, `UV_NO_CONFIG` drops them); then
  `UV_INDEX` and `UV_DEFAULT_INDEX` come first, and a PEP 723 script's own on top;
- the workspace root's and every member's `[[tool.uv.index]]` are read for credentials
  whatever the settings say.

That is what project commands read, and the union `export` and `hook` take. `exec` reads
the uv command line it runs (uv/commandline.py) and asks for that command's own set (`command`).

uv sends `UV_INDEX_<V>_*` to every one of these indexes whose name maps to `<V>`, so
discovery returns them all; the pipeline decides per variable (resolve.py).

A `[tool.uv]` that uv skips for a value uvcreds does not check would make uv walk on
upward where uvcreds stopped, so the indexes of every settings file further up are kept
too, as FALLBACK: never used, but a place the credential could go.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from uvcreds import urls
from uvcreds.model import FALLBACK, IDLE, PROJECT, SETTINGS, UPLOAD, Index, Problem
from uvcreds.names import env_stem, name_problem
from uvcreds.uv import commandline

if sys.version_info >= (3, 11):
    pass
else:
    pass
from uvcreds.uv.configfiles import script_tool_uv, system_candidates, user_and_system_files
from uvcreds.uv.found import Discovery, regular, say
from uvcreds.uv.toml import ENV_SOURCES, PYPROJECT_ONLY_KEYS, is_truthy, tool_uv_problem
from uvcreds.uv.workspace import workspace


def discover(
    cwd: Path,
    environ: Mapping[str, str],
    *,
    script: Path | None = None,
    command: str = commandline.PROJECT,
) -> Discovery:
    """Every named index uv reads a credential variable for, run from `cwd`.

    `command` is what the uv command reads (uv/commandline.py): PROJECT everything (also the union
    that `export` and `hook` take, since no command is known); PIP the settings and its
    flags, the members' indexes only as places a credential could go; TOOL the user's and
    the system's settings and the flags, no project; PUBLISH the settings files alone."""
    found = Discovery(project_dir=_project_dir(cwd, environ, script))
    working = working_dir(cwd, environ)
    if command != commandline.PUBLISH:  # publish has no `--index NAME=URL`: UV_INDEX is not read
        for variable in ENV_SOURCES:
            _add_env_entries(found, variable, environ.get(variable, ""))
    if command == commandline.TOOL:  # uv reads no local configuration for `uv tool` and uvx
        _add_settings(found, environ, working, [])
        return found
    script_file = working / script if script is not None else None
    script_table = script_tool_uv(found, script_file) if script_file is not None else None
    if script_table is not None and script_file is not None:
        _add_indexes(found, script_table.get("index"), script_file, "[[tool.uv.index]]")
    members = workspace(found)
    starts = [found.root or found.project_dir]
    if script_table is not None:
        # `uv run SCRIPT` reads settings from the script's directory, `uv lock --script
        # SCRIPT` from the current one: a variable exported here reaches both.
        here = Discovery(project_dir=working, documents=found.documents)
        workspace(here)
        for path in here.watched:
            found.watch(path)
        found.project_reads.update(here.project_reads)
        starts.append(here.root or working)
    _add_settings(found, environ, working, starts)
    if script_table is None and command != commandline.PUBLISH:
        role = PROJECT if command == commandline.PROJECT else FALLBACK
        for pyproject in members:
            table = _tool_uv(found, pyproject) or {}
            _add_indexes(found, table.get("index"), pyproject, "[[tool.uv.index]]", role)
    if command in (commandline.PROJECT, commandline.PUBLISH):
        _add_uploads(found)
    if command == commandline.PUBLISH:
        _add_publish_requests(found, environ)
        _idle_unless_checked(found, environ)
    return found


def _idle_unless_checked(found: Discovery, environ: Mapping[str, str]) -> None:
    """`uv publish` requests one index at most, its check URL: `--index NAME`'s URL, or
    `--check-url` (`UV_PUBLISH_CHECK_URL`, the settings' `check-url`). The variables of the
    other settings indexes are not needed, so none is exported for them."""
    named = environ.get("UV_PUBLISH_INDEX")
    check = environ.get("UV_PUBLISH_CHECK_URL") or (
        found.check_setting[0] if found.check_setting else None
    )
    checked = _parsed(check) if check and not named else None
    wanted = {
        env_stem(index.name)
        for index in found.settings_indexes()
        if index.name == named or (checked is not None and index.target == checked)
    }
    found.indexes = [
        dataclasses.replace(index, role=IDLE)
        if index.role == SETTINGS and env_stem(index.name) not in wanted
        else index
        for index in found.indexes
    ]


def _parsed(url: str) -> urls.Url | None:
    try:
        return urls.parse(url)
    except urls.UrlError:
        return None


def _add_publish_requests(found: Discovery, environ: Mapping[str, str]) -> None:
    """`uv publish` without `--index`: its upload URL and its check URL are places a
    settings index's credential reaches when on its host (uv's per-host cache), like the
    index's own publish-url."""
    if environ.get("UV_PUBLISH_INDEX"):
        return
    for given, setting in (
        (environ.get("UV_PUBLISH_URL"), found.publish_setting),
        (environ.get("UV_PUBLISH_CHECK_URL"), found.check_setting),
    ):
        url = given or (setting[0] if setting else None)
        if url:
            _add_uploads(found, url)


def _add_uploads(found: Discovery, publish_url: str | None = None) -> None:
    """Each settings index's publish-url on its own host, read as uv's publish reads it:
    after the check request to the index, uv's upload there carries the index's credential
    (measured with uv 0.13; on another host it carries none). One that does not parse is a
    destination nothing covers. With `publish_url` (`uv publish --publish-url URL`), that
    URL stands for every settings index's own."""
    present = set(found.indexes)  # a set: a hostile file may hold a thousand of them
    for index in found.settings_indexes():
        upload_url = publish_url or index.publish_url
        if not upload_url or index.target is None:
            continue
        try:
            target, error = urls.parse_publish(upload_url), None
        except urls.UrlError as exc:
            target, error = None, str(exc)
        if target is not None and target.origin != index.target.origin:
            continue
        upload = Index(index.name, upload_url, index.source, UPLOAD, None, target, error)
        if upload not in present:
            present.add(upload)
            found.indexes.append(upload)


def working_dir(cwd: Path, environ: Mapping[str, str]) -> Path:
    """Where uv runs: `UV_WORKING_DIR`, else `UV_WORKING_DIRECTORY` (uv 0.13 reads both, the
    first first; it changes into it, so symlinks resolve)."""
    moved = environ.get("UV_WORKING_DIR") or environ.get("UV_WORKING_DIRECTORY")
    return Path(os.path.realpath(cwd / moved)) if moved else cwd


def _project_dir(cwd: Path, environ: Mapping[str, str], script: Path | None) -> Path:
    working = working_dir(cwd, environ)
    project = environ.get("UV_PROJECT")
    if project:
        path = Path(os.path.normpath(working / project))
        return path.parent if path.name == "pyproject.toml" and path.is_file() else path
    if script is not None:
        return Path(os.path.normpath(working / script)).parent
    return working


def _add_env_entries(found: Discovery, variable: str, value: str) -> None:
    """`UV_DEFAULT_INDEX` is one `name=url`; `UV_INDEX` is several, split on whitespace."""
    entries = ([value] if value else []) if variable == "UV_DEFAULT_INDEX" else value.split()
    for entry in entries:
        name, sep, url = entry.partition("=")
        if not sep or ":" in name:
            continue  # an unnamed URL: uv reads no credential variables for it
        _add_index(found, Index(name=name, url=url, source=variable), variable)


def _add_index(found: Discovery, index: Index, where: str) -> None:
    if not found.spend("MAX_INDEXES"):
        return
    problem = name_problem(index.name)
    if problem:
        say(found, index.role, Problem(f"{where}: {problem}; rename it"))
        return
    try:
        target = urls.parse(index.url)
        error = None
    except urls.UrlError as exc:
        target, error = None, str(exc)
        say(
            found,
            index.role,
            Problem(f"{where}: index {index.name!r} has a URL uv cannot parse ({exc}); fix it"),
        )
    found._added.setdefault((index.source, index.name), index.role)
    found.indexes.append(
        Index(
            name=index.name,
            url=index.url,
            source=index.source,
            role=index.role,
            publish_url=index.publish_url,
            target=target,
            url_error=error,
            authenticate=index.authenticate,
        )
    )


# --- the workspace ---------------------------------------------------------------------


# --- settings files ----------------------------------------------------------------------


def _add_settings(
    found: Discovery, environ: Mapping[str, str], working: Path, starts: list[Path]
) -> None:
    config_file = environ.get("UV_CONFIG_FILE")
    if config_file:  # checked before UV_NO_CONFIG, as uv does
        _add_uv_toml(found, working / config_file, required=True)
        return
    if is_truthy(environ.get("UV_NO_CONFIG")):
        return
    for start in dict.fromkeys(starts):
        _walk_settings(found, start)
    for candidate in system_candidates(environ):
        found.watch(candidate)  # one created later changes what uv reads
    for path in user_and_system_files(environ):
        _add_uv_toml(found, path, required=False)


def _walk_settings(found: Discovery, start: Path) -> None:
    """From `start` up: in each directory `uv.toml` beats a pyproject.toml with a `[tool.uv]`
    uv can read; the first one is uv's settings, and those further up are FALLBACK."""
    role = SETTINGS
    for directory in (start, *start.parents):
        uv_toml, pyproject = directory / "uv.toml", directory / "pyproject.toml"
        found.watch(uv_toml)
        found.watch(pyproject)
        if uv_toml.exists():
            _add_uv_toml(found, uv_toml, required=True, role=role, project=True)
            role = FALLBACK
        elif regular(found, pyproject):
            table = _tool_uv(found, pyproject, quiet=role == FALLBACK)
            if table is None:
                continue
            problem = tool_uv_problem(table)
            if problem is not None:
                # A bad index entry of a project file is said where it is read as one.
                index_problem = problem.startswith(("index entry", "'index'"))
                said_later = index_problem and pyproject in found.project_files
                if role == SETTINGS and not said_later:
                    found.problems.append(
                        Problem(
                            f"{pyproject}: [tool.uv] {problem}; uv skips this file and reads the "
                            "settings further up",
                            is_error=False,
                        )
                    )
                _add_indexes(found, table.get("index"), pyproject, "[[tool.uv.index]]", FALLBACK)
                continue
            _add_indexes(found, table.get("index"), pyproject, "[[tool.uv.index]]", role)
            if role == SETTINGS:
                _note_publish_url(found, table, pyproject)
            if role == SETTINGS and pyproject not in found.project_files:
                found.project_files.append(pyproject)
            role = FALLBACK


def _tool_uv(found: Discovery, pyproject: Path, *, quiet: bool = False) -> dict[str, Any] | None:
    """The `[tool.uv]` table of a pyproject.toml; None without one, or when the file does not
    parse (uv warns and walks on: said once, as a warning, unless `quiet`)."""
    document = found.document(pyproject, project=True)
    if document is None:
        if quiet:
            return None
        message = found.failure(pyproject)
        if not any(p.message == message for p in found.problems):
            found.problems.append(Problem(message, is_error=False))
        return None
    tool = document.get("tool")
    table = tool.get("uv") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _add_uv_toml(
    found: Discovery,
    path: Path,
    *,
    required: bool,
    role: str = SETTINGS,
    project: bool = False,
) -> None:
    """A uv.toml-format file: a project's, `UV_CONFIG_FILE`, the user's or the system's.
    uv fails outright on one it cannot read, so that is an error here too."""
    found.watch(path)
    if not required and not path.is_file():
        return
    document = found.document(path, project=project)
    if document is None:
        if role != FALLBACK:  # uv never reads one above its settings
            found.problems.append(Problem(found.failure(path)))
        return
    refused = sorted(PYPROJECT_ONLY_KEYS & set(document))
    if refused and role != FALLBACK:
        found.problems.append(
            Problem(f"{path}: '{refused[0]}' belongs in pyproject.toml; uv refuses this uv.toml")
        )
        return
    _add_indexes(found, document.get("index"), path, "[[index]]", role)
    if role == SETTINGS:
        _note_publish_url(found, document, path)


def _note_publish_url(found: Discovery, table: dict[str, Any], path: Path) -> None:
    """A settings file's `publish-url` and `check-url`: the first one uv reads of each is
    the one `uv publish` uses."""
    publish, check = table.get("publish-url"), table.get("check-url")
    if found.publish_setting is None and isinstance(publish, str):
        found.publish_setting = (publish, str(path))
    if found.check_setting is None and isinstance(check, str):
        found.check_setting = (check, str(path))


def _add_indexes(
    found: Discovery, entries: object, path: Path, table: str, role: str = SETTINGS
) -> None:
    if entries is None:
        return
    if not isinstance(entries, list):
        say(found, role, Problem(f"{path}: {table} must be an array of tables"))
        return
    for position, entry in enumerate(entries, start=1):
        if found.exceeded is not None:
            return
        where = f"{path}: {table} entry {position}"
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            say(found, role, Problem(f"{where} needs a string 'url'"))
            continue
        name = entry.get("name")
        if name is None:
            continue  # unnamed: uv reads no credential variables for it
        if not isinstance(name, str):
            say(found, role, Problem(f"{where}: 'name' must be a string"))
            continue
        if _seen(found, str(path), name, role):
            continue  # the root's pyproject read as settings, then as a project file
        publish_url = entry.get("publish-url")
        authenticate = entry.get("authenticate")
        index = Index(
            name=name,
            url=_resolve_url(entry["url"], path.parent),
            source=str(path),
            role=role,
            publish_url=publish_url if isinstance(publish_url, str) else None,
            authenticate=authenticate if isinstance(authenticate, str) else "auto",
        )
        _add_index(found, index, where)


def _seen(found: Discovery, source: str, name: str, role: str) -> bool:
    """Whether this file's index is in the list already; one kept only as FALLBACK (a
    project file uv skips as settings) takes the role it is read for after all."""
    earlier = found._added.get((source, name))
    if earlier is None:
        return False
    if earlier == FALLBACK and role != FALLBACK:
        del found._added[(source, name)]
        found.indexes[:] = [
            i for i in found.indexes if (i.source, i.name, i.role) != (source, name, FALLBACK)
        ]
        return False
    return True


def _resolve_url(url: str, base: Path) -> str:
    """A relative path is relative to its file's directory, as uv has it."""
    try:
        if urls.parse(url) is not None or os.path.isabs(url) or ":" in url.split("/")[0]:
            return url
    except urls.UrlError:
        return url
    return str(base / url)


# --- PEP 723 scripts ---------------------------------------------------------------------


# --- user and system files --------------------------------------------------------------
