"""What discovery found for one directory, everything its answer depends on, and the bounds
that keep a hostile tree from holding the prompt."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uvcreds.errors import UvcredsError
from uvcreds.model import FALLBACK, SETTINGS, Index, Problem

if sys.version_info >= (3, 11):
    pass
else:
    pass
from uvcreds.uv.bounds import BOUNDS
from uvcreds.uv.toml import ENV_SOURCES, parse_toml, read_toml_bytes


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


def say(found: Discovery, role: str, problem: Problem) -> None:
    """Report a problem, except in a file uv does not read (FALLBACK): its indexes count only
    as places a credential could go."""
    if role != FALLBACK:
        found.problems.append(problem)


def strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def regular(found: Discovery, path: Path) -> bool:
    """Whether `path` is a regular file; one that exists as anything else (a FIFO, a device,
    a directory) is said once, never opened: uv would hang on it or fail."""
    if path.is_file():
        return True
    if os.path.exists(path):
        message = f"{path}: the TOML file is not a regular file; not read"
        if not any(p.message == message for p in found.problems):
            found.problems.append(Problem(message))
    return False


def is_file(found: Discovery, directory: Path) -> bool:
    path = directory / "pyproject.toml"
    found.watch(path)
    return regular(found, path)


def document_or_empty(found: Discovery, directory: Path) -> dict[str, Any]:
    return found.document(directory / "pyproject.toml", project=True) or {}
