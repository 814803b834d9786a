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
the uv command line it runs (uvargs) and asks for that command's own set (`command`).

uv sends `UV_INDEX_<V>_*` to every one of these indexes whose name maps to `<V>`, so
discovery returns them all; the pipeline decides per variable (resolve.py).

A `[tool.uv]` that uv skips for a value uvcreds does not check would make uv walk on
upward where uvcreds stopped, so the indexes of every settings file further up are kept
too, as FALLBACK: never used, but a place the credential could go.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uvcreds import urls
from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.model import FALLBACK, IDLE, PROJECT, SETTINGS, UPLOAD, Index, Problem
from uvcreds.names import env_stem, name_problem
from uvcreds.state import files
from uvcreds.uv import commandline as uvargs

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


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
ENV_SOURCES = ("UV_DEFAULT_INDEX", "UV_INDEX")
INDEX_CHOICES = {"format": ("simple", "flat"), "authenticate": ("auto", "always", "never")}
# Bounds far above any real project (DESIGN.md, "Bounded"): past one, discovery stops, says
# which in one line, and nothing is exported for the project, so a hostile tree cannot hold
# the prompt. Discovery is linear in what it reads up to them.
MAX_INDEXES = 1000  # index entries in all the files read for one project
MAX_MEMBERS = 1000  # workspace members
MAX_LISTINGS = 10_000  # directories listed to match member globs


@dataclass
class Discovery:
    """What discovery found for one directory, and everything its answer depends on."""

    project_dir: Path
    root: Path | None = None  # the workspace root (a lone project is its own), if any
    indexes: list[Index] = field(default_factory=list)  # settings first, in uv's order
    problems: list[Problem] = field(default_factory=list)
    # pyproject.toml files whose `[tool.uvcreds]` tables apply: the root's, then members'.
    project_files: list[Path] = field(default_factory=list)
    # Files of the project (not the user's or the system's), as read: what an allow covers.
    project_reads: dict[Path, bytes] = field(default_factory=dict, repr=False)
    # Paths whose change can change the result, existing or not (directories too).
    watched: list[str] = field(default_factory=list)
    documents: dict[Path, dict[str, Any] | None] = field(default_factory=dict, repr=False)
    failures: dict[Path, str] = field(default_factory=dict, repr=False)
    # `publish-url` and `check-url` of the settings uv reads (the first file that sets
    # each), with that file.
    publish_setting: tuple[str, str] | None = None
    check_setting: tuple[str, str] | None = None
    exceeded: str | None = None  # the bound discovery stopped at; then there are no indexes
    _watching: set[str] = field(default_factory=set, repr=False)
    _listed: set[str] = field(default_factory=set, repr=False)  # watched in bulk: globs
    _added: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def trust_dir(self) -> Path:
        """The directory an allow is recorded for: the workspace root as the user reached it
        (else the directory of the pyproject.toml holding the settings, else where uv runs)."""
        if self.root is not None:
            return self.root
        return self.project_files[0].parent if self.project_files else self.project_dir

    def watch(self, path: Path | str) -> None:
        text = str(path)
        if text not in self._watching:
            self._watching.add(text)
            self.watched.append(text)

    def spend(self, what: str, amount: int = 1) -> bool:
        """Count `amount` of `what` (one of BOUNDS) against its bound; False (and, the first
        time, the one line saying which bound, with every index dropped) once past it."""
        if self.exceeded is not None:
            return False
        count = self._counts[what] = self._counts.get(what, 0) + amount
        limit, noun = BOUNDS[what]
        if count <= limit:
            return True
        self.exceeded = (
            f"{self.root or self.project_dir}: more than {limit} {noun} (uvcreds' bound "
            f"{what}); nothing is exported for this project"
        )
        self.indexes.clear()
        self._added.clear()
        self.problems.append(Problem(self.exceeded))
        # The shell stats each watched path at every prompt: not the thousands of directories
        # listed or members found. The retry after a failure (30 s, doubling) notices a tree
        # cut down since.
        self.watched[:] = [path for path in self.watched if path not in self._listed]
        return False

    def document(self, path: Path, *, project: bool) -> dict[str, Any] | None:
        """A TOML file parsed once; None when it does not parse (the caller says how uv
        takes that). `project`: its contents are part of what an allow covers."""
        if path not in self.documents:
            self.watch(path)
            try:
                data = read_toml_bytes(path)
                self.documents[path] = parse_toml(path, data)
                if project:
                    self.project_reads[path] = data
            except UvcredsError as exc:
                self.documents[path] = None
                self.failures[path] = str(exc)
        return self.documents[path]

    def failure(self, path: Path) -> str:
        return self.failures.get(path, f"{path}: does not parse")

    def settings_indexes(self) -> list[Index]:
        """The indexes of the settings files uv reads, in its order: what `uv publish
        --index NAME` looks a name up in (not UV_INDEX, not members)."""
        return [
            index
            for index in self.indexes
            if index.role == SETTINGS and index.source not in ENV_SOURCES
        ]

    def settings_index(self, name: str) -> Index | None:
        """The first definition of `name` there, as uv takes it."""
        return next((i for i in self.settings_indexes() if i.name == name), None)


BOUNDS = {
    "MAX_INDEXES": (MAX_INDEXES, "index entries"),
    "MAX_MEMBERS": (MAX_MEMBERS, "workspace members"),
    "MAX_LISTINGS": (MAX_LISTINGS, "directories listed for member globs"),
}


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


def discover(
    cwd: Path,
    environ: Mapping[str, str],
    *,
    script: Path | None = None,
    command: str = uvargs.PROJECT,
) -> Discovery:
    """Every named index uv reads a credential variable for, run from `cwd`.

    `command` is what the uv command reads (uvargs): PROJECT everything (also the union
    that `export` and `hook` take, since no command is known); PIP the settings and its
    flags, the members' indexes only as places a credential could go; TOOL the user's and
    the system's settings and the flags, no project; PUBLISH the settings files alone."""
    found = Discovery(project_dir=_project_dir(cwd, environ, script))
    working = working_dir(cwd, environ)
    if command != uvargs.PUBLISH:  # publish has no `--index NAME=URL`: UV_INDEX is not read
        for variable in ENV_SOURCES:
            _add_env_entries(found, variable, environ.get(variable, ""))
    if command == uvargs.TOOL:  # uv reads no local configuration for `uv tool` and uvx
        _add_settings(found, environ, working, [])
        return found
    script_file = working / script if script is not None else None
    script_table = _script_tool_uv(found, script_file) if script_file is not None else None
    if script_table is not None and script_file is not None:
        _add_indexes(found, script_table.get("index"), script_file, "[[tool.uv.index]]")
    members = _workspace(found)
    starts = [found.root or found.project_dir]
    if script_table is not None:
        # `uv run SCRIPT` reads settings from the script's directory, `uv lock --script
        # SCRIPT` from the current one: a variable exported here reaches both.
        here = Discovery(project_dir=working, documents=found.documents)
        _workspace(here)
        for path in here.watched:
            found.watch(path)
        found.project_reads.update(here.project_reads)
        starts.append(here.root or working)
    _add_settings(found, environ, working, starts)
    if script_table is None and command != uvargs.PUBLISH:
        role = PROJECT if command == uvargs.PROJECT else FALLBACK
        for pyproject in members:
            table = _tool_uv(found, pyproject) or {}
            _add_indexes(found, table.get("index"), pyproject, "[[tool.uv.index]]", role)
    if command in (uvargs.PROJECT, uvargs.PUBLISH):
        _add_uploads(found)
    if command == uvargs.PUBLISH:
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
        if upload not in found.indexes:
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
        _say(found, index.role, Problem(f"{where}: {problem}; rename it"))
        return
    try:
        target = urls.parse(index.url)
        error = None
    except urls.UrlError as exc:
        target, error = None, str(exc)
        _say(
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


def _say(found: Discovery, role: str, problem: Problem) -> None:
    """Report a problem, except in a file uv does not read (FALLBACK): its indexes count only
    as places a credential could go."""
    if role != FALLBACK:
        found.problems.append(problem)


# --- the workspace ---------------------------------------------------------------------


def _workspace(found: Discovery) -> list[Path]:
    """Find the workspace root; returns the pyproject.toml of the root and each member
    (empty when there is no workspace, or uv could not read it, which is then reported)."""
    start = found.project_dir
    project_file = next(
        (d / "pyproject.toml" for d in (start, *start.parents) if _is_file(found, d)), None
    )
    if project_file is None:
        return []
    document = found.document(project_file, project=True)
    if document is None:
        found.problems.append(Problem(found.failure(project_file)))
        return []
    table = _tool_uv_of(document)
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


def _is_file(found: Discovery, directory: Path) -> bool:
    path = directory / "pyproject.toml"
    found.watch(path)
    return _regular(found, path)


def _regular(found: Discovery, path: Path) -> bool:
    """Whether `path` is a regular file; one that exists as anything else (a FIFO, a device,
    a directory) is said once, never opened: uv would hang on it or fail."""
    if path.is_file():
        return True
    if os.path.exists(path):
        message = f"{path}: the TOML file is not a regular file; not read"
        if not any(p.message == message for p in found.problems):
            found.problems.append(Problem(message))
    return False


def _enclosing_workspace(found: Discovery, project: Path) -> tuple[Path, dict[str, Any]]:
    """The workspace above `project` that lists it, else the project alone. uv looks only at
    the first pyproject.toml above: a plain project there ends the search."""
    for directory in project.parents:
        if not _is_file(found, directory):
            continue
        pyproject = directory / "pyproject.toml"
        document = found.document(pyproject, project=True)
        if document is None:
            raise UvcredsError(found.failure(pyproject))
        workspace = _tool_uv_of(document).get("workspace")
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
            for pattern in _strings(patterns)
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
    seen = {root} if isinstance(_document_or_empty(found, root).get("project"), dict) else set()
    excluded = _strings(workspace.get("exclude"))
    for pattern in _strings(workspace.get("members")):
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


def _document_or_empty(found: Discovery, directory: Path) -> dict[str, Any]:
    return found.document(directory / "pyproject.toml", project=True) or {}


def _member_pyproject(found: Discovery, member: Path) -> Path | None:
    pyproject = member / "pyproject.toml"
    found.watch(pyproject)
    found._listed.add(str(pyproject))
    if not member.is_dir():
        return None
    if not _regular(found, pyproject):
        if member.name.startswith(".") or not _has_files(member):
            return None  # uv skips hidden and empty directories
        raise UvcredsError(f"{member}: a workspace member without pyproject.toml")
    document = found.document(pyproject, project=True)
    if document is None:
        raise UvcredsError(found.failure(pyproject))
    table = _tool_uv_of(document)
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
        elif _regular(found, pyproject):
            table = _tool_uv(found, pyproject, quiet=role == FALLBACK)
            if table is None:
                continue
            problem = _tool_uv_problem(table)
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


def _tool_uv_of(document: dict[str, Any]) -> dict[str, Any]:
    tool = document.get("tool")
    table = tool.get("uv") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else {}


def _tool_uv_problem(table: dict[str, Any]) -> str | None:
    """Why uv cannot deserialize this settings table, as far as uvcreds checks it."""
    unknown = sorted(set(table) - TOOL_UV_KEYS)
    if unknown:
        return f"has the unknown key {unknown[0]!r}"
    pip = table.get("pip")
    unknown = sorted(set(pip) - PIP_KEYS) if isinstance(pip, dict) else []
    if unknown:
        return f"has the unknown key 'pip.{unknown[0]}'"
    return _index_entries_problem(table.get("index"))


def _index_entries_problem(entries: object) -> str | None:
    if entries is None:
        return None
    if not isinstance(entries, list):
        return "'index' is not an array of tables"
    if len(entries) > MAX_INDEXES:
        return None  # not checked one by one: the bound says it when they are read
    names: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        problem = _index_entry_problem(entry)
        if problem is None and isinstance(entry, dict) and isinstance(entry.get("name"), str):
            if entry["name"] in names:
                problem = f"repeats the name {entry['name']!r}"
            names.add(entry["name"])
        if problem is not None:
            return f"index entry {position} {problem}"
    return None


def _index_entry_problem(entry: object) -> str | None:
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
        _say(found, role, Problem(f"{path}: {table} must be an array of tables"))
        return
    for position, entry in enumerate(entries, start=1):
        if found.exceeded is not None:
            return
        where = f"{path}: {table} entry {position}"
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            _say(found, role, Problem(f"{where} needs a string 'url'"))
            continue
        name = entry.get("name")
        if name is None:
            continue  # unnamed: uv reads no credential variables for it
        if not isinstance(name, str):
            _say(found, role, Problem(f"{where}: 'name' must be a string"))
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


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


# --- PEP 723 scripts ---------------------------------------------------------------------


def _script_tool_uv(found: Discovery, path: Path) -> dict[str, Any] | None:
    """A PEP 723 script's `[tool.uv]` (None: no `# /// script` block, so uv runs it in the
    project like any file)."""
    found.watch(path)
    data = files.read_bounded(str(path), "script")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UvcredsError(f"{path}: the script is not UTF-8 text") from None
    block = script_metadata(text)
    if block is None:
        return None
    found.project_reads[path] = data
    try:
        shape = files.check_toml_shape(block)
        if shape:
            raise UvcredsError(f"{path}: its script metadata is {shape}")
        document = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise UvcredsError(f"{path}: its `# /// script` block is invalid TOML: {exc}") from None
    return _tool_uv_of(document)


def script_metadata(text: str) -> str | None:
    """The TOML of a `# /// script` block (PEP 723), comment markers removed."""
    lines = text.splitlines()
    try:
        start = lines.index("# /// script")
    except ValueError:
        return None
    body: list[str] = []
    for line in lines[start + 1 :]:
        if line == "# ///":
            return "\n".join(body) + "\n"
        if line != "#" and not line.startswith("# "):
            break
        body.append(line[2:])
    return None


# --- user and system files --------------------------------------------------------------


def user_and_system_files(environ: Mapping[str, str]) -> list[Path]:
    files_ = [_user_config_dir(environ) / "uv" / "uv.toml"]
    if not is_truthy(environ.get("UV_NO_SYSTEM_CONFIG")):
        system = _system_config_file(environ)
        if system is not None:
            files_.append(system)
    return files_


def _user_config_dir(environ: Mapping[str, str]) -> Path:
    if sys.platform == "win32" and environ.get("APPDATA"):
        return Path(environ["APPDATA"])
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg)
    return Path(environ.get("HOME") or os.path.expanduser("~")) / ".config"


def system_candidates(environ: Mapping[str, str]) -> list[Path]:
    """Where uv looks for the system uv.toml, in order: each non-empty XDG_CONFIG_DIRS entry
    (default /etc/xdg), then /etc/uv. uv 0.13 skips an empty entry (`a::b` reads `b`),
    measured with its `-v` log; older sources stopped there."""
    if sys.platform == "win32":
        return [Path(environ.get("SYSTEMDRIVE", "C:") + "\\") / "ProgramData" / "uv" / "uv.toml"]
    candidates = []
    for directory in (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"):
        if not directory:
            continue
        candidates.append(Path(directory) / "uv" / "uv.toml")
    return [*candidates, Path("/etc/uv/uv.toml")]


def _system_config_file(environ: Mapping[str, str]) -> Path | None:
    """The first candidate that is a file (the last, /etc/uv/uv.toml, need only exist)."""
    *xdg, etc = system_candidates(environ)
    return next((path for path in xdg if path.is_file()), etc if etc.exists() else None)
