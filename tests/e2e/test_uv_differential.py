"""uvcreds against real uv: for each layout, the URLs uv would send an index password to.

The expected side is never uvcreds: it is what uv 0.13.9 itself logs (tests/testing/uvlog.py) when a
probe `UV_INDEX_<V>_PASSWORD` is set for every index name of the layout. uvcreds must list
exactly those URLs as destinations (DESIGN.md, "Finding the indexes" and "Where a credential
may go"), so any difference is a credential uvcreds would send somewhere uv does not, or a
destination it would miss.

`test_uv_reads_what_the_layout_claims` checks the oracle itself: each layout states what uv's
source says uv reads there, so a layout that stops exercising its rule (or a uv upgrade that
changes the rule) fails there, apart from the uvcreds comparisons.

Run `python -m tests.e2e.test_uv_differential` to print uv's answer for every layout.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.testing.helpers import make_isolated_env, run, uvcreds_cmd
from tests.testing.uvlog import CredentialLog, env_stem, merge, run_uv
from uvcreds.model import DESTINATIONS_ONLY
from uvcreds.uv import commandline
from uvcreds.uv import discovery as config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the test venv is 3.11+, mypy checks as 3.10
    import tomli as tomllib

ROOT = "@ROOT@"  # replaced by the layout's absolute root when files are written
USER_TOML = "env/home/.config/uv/uv.toml"  # $XDG_CONFIG_HOME/uv/uv.toml of make_isolated_env
SYSTEM_TOML = "env/etc-xdg/uv/uv.toml"  # $XDG_CONFIG_DIRS/uv/uv.toml of make_isolated_env


def url(label: str, user: str | None = None) -> str:
    """A unique, unreachable index URL; `label` identifies it in uv's log."""
    userinfo = f"{user}@" if user else ""
    return f"http://{userinfo}127.0.0.1:9/{label}/simple/"


def label_of(index_url: str) -> str:
    """`http://127.0.0.1:9/a/simple/` -> `a`; any other URL is kept whole, so it shows."""
    prefix, suffix = "http://127.0.0.1:9/", "/simple/"
    if index_url.startswith(prefix) and index_url.endswith(suffix):
        return index_url[len(prefix) : -len(suffix)]
    return index_url


def labels(urls: Iterable[str]) -> set[str]:
    """The labels of index URLs, for readable comparisons."""
    return {label_of(u) for u in urls}


def _q(value: str) -> str:
    return json.dumps(value)


def index_tables(indexes: Sequence[tuple[str, str]], table: str, prefix: str = "") -> str:
    """`[[table]]` with name and url for each (name, url)."""
    out = []
    for name, index_url in indexes:
        out += [
            f"{prefix}[[{table}]]",
            f"{prefix}name = {_q(name)}",
            f"{prefix}url = {_q(index_url)}",
        ]
    return "\n".join(out) + "\n"


def pyproject(
    name: str | None,
    *indexes: tuple[str, str],
    extra: str = "",
    deps: Sequence[str] = ("tinypkg",),
) -> str:
    """A pyproject.toml: `[project]` (unless name is None), `extra`, then the indexes.

    `tinypkg` cannot be resolved offline, so uv never writes a lock and always reaches the
    point where it stores credentials.
    """
    text = ""
    if name is not None:
        text += f'[project]\nname = {_q(name)}\nversion = "0.1"\nrequires-python = ">=3.9"\n'
        text += f"dependencies = [{', '.join(_q(d) for d in deps)}]\n"
    if extra:
        text += "\n" + extra.strip() + "\n"
    if indexes:
        text += "\n" + index_tables(indexes, "tool.uv.index")
    return text


def uv_toml(*indexes: tuple[str, str]) -> str:
    """A uv.toml (project, user, system or UV_CONFIG_FILE): top-level `[[index]]`."""
    return index_tables(indexes, "index")


def script(*indexes: tuple[str, str]) -> str:
    """A PEP 723 script whose metadata carries `[[tool.uv.index]]` entries."""
    meta = '# requires-python = ">=3.9"\n# dependencies = ["tinypkg"]\n#\n'
    meta += index_tables(indexes, "tool.uv.index", prefix="# ")
    return f"# /// script\n{meta}# ///\nprint('hi')\n"


def workspace(members: Sequence[str], exclude: Sequence[str] = ()) -> str:
    text = f"[tool.uv.workspace]\nmembers = [{', '.join(_q(m) for m in members)}]\n"
    if exclude:
        text += f"exclude = [{', '.join(_q(e) for e in exclude)}]\n"
    return text


@dataclass(frozen=True)
class Layout:
    """One arrangement of files and environment, and what uv's source says uv reads there.

    `commands`: the uv commands (after `uv --offline --no-cache -vv`) a user may run here;
    uv's truth is the union of what they read. `uv_reads`: labels of the URLs uv stores a
    credential for; `uv_settings`: labels of those in uv's settings list (None: not
    checked); `uv_fails_early`: every command stops before reading any credential, so uv
    reads nothing; `uv_says`: a substring of uv's stderr that shows the rule at work.
    `compare=False`: documents one command's behaviour only, not compared with uvcreds.
    """

    id: str
    why: str
    files: Mapping[str, str]
    uv_reads: frozenset[str]
    cwd: str = "proj"
    commands: tuple[tuple[str, ...], ...] = (("lock",),)
    script: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    uv_settings: frozenset[str] | None = None
    uv_fails_early: bool = False
    uv_says: str = ""
    compare: bool = True

    def index_names(self) -> set[str]:
        """Every index name in the layout's files and UV_INDEX / UV_DEFAULT_INDEX."""
        names: set[str] = set()
        for path, text in self.files.items():
            names |= _names_in(path, text)
        entries = [*self.env.get("UV_INDEX", "").split(), self.env.get("UV_DEFAULT_INDEX", "")]
        for command in self.commands:  # `--index a=URL b=URL`, `--default-index=c=URL`
            words = [w for a in command for w in a.split()]
            entries += [w.partition("=")[2] if w.startswith("--") else w for w in words]
        for entry in entries:
            left, sep, _ = entry.partition("=")
            if sep and ":" not in left:
                names.add(left)
        return names


def _names_in(path: str, text: str) -> set[str]:
    if path.endswith(".py"):
        if "# /// script\n" not in text:
            return set()
        body = text.split("# /// script\n", 1)[1].split("# ///\n", 1)[0]
        doc = tomllib.loads("\n".join(line[2:] for line in body.splitlines()))
        entries: Any = doc.get("tool", {}).get("uv", {}).get("index", [])
    elif path.endswith("pyproject.toml"):
        entries = tomllib.loads(text).get("tool", {}).get("uv", {}).get("index", [])
    elif path.endswith(".toml"):
        entries = tomllib.loads(text).get("index", [])
    else:
        return set()
    return {e["name"] for e in entries if isinstance(e, dict) and "name" in e}


def _f(*labels_: str) -> frozenset[str]:
    return frozenset(labels_)


def script_commands(path: str) -> tuple[tuple[str, ...], ...]:
    """Both uv commands that read a script's metadata; uvcreds' `--script` covers both."""
    return (("lock", "--script", path), ("run", path))


P = ("p", url("p"))  # the project's own index, in most layouts
WS_MEMBERS = {
    "proj/packages/m1/pyproject.toml": pyproject("m1", ("m1", url("m1")), deps=()),
    "proj/packages/m2/pyproject.toml": pyproject("m2", deps=()),
}

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "single",
        "the project's [[tool.uv.index]] is both settings and project index",
        {"proj/pyproject.toml": pyproject("proj", P)},
        _f("p"),
        uv_settings=_f("p"),
    ),
    Layout(
        "nested-cwd",
        "uv finds the nearest pyproject.toml above the current directory",
        {"proj/pyproject.toml": pyproject("proj", P), "proj/src/pkg/__init__.py": ""},
        _f("p"),
        cwd="proj/src/pkg",
    ),
    Layout(
        "subdir-uv-toml",
        "settings come from the workspace root, so proj/sub/uv.toml is never read",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "proj/sub/uv.toml": uv_toml(("subt", url("subt"))),
        },
        _f("p"),
        cwd="proj/sub",
        uv_settings=_f("p"),
    ),
    Layout(
        "uv-toml-beside-pyproject",
        "uv.toml wins for settings; the pyproject's indexes are still project indexes",
        {"proj/pyproject.toml": pyproject("proj", P), "proj/uv.toml": uv_toml(("t", url("t")))},
        _f("t", "p"),
        uv_settings=_f("t"),
        uv_says="Found both a `uv.toml` file",
    ),
    Layout(
        "no-project-pip",
        "no pyproject anywhere: settings walk up from the current directory (uv pip)",
        {"loose/uv.toml": uv_toml(("l", url("l"))), "loose/deeper/req.in": "tinypkg\n"},
        _f("l"),
        cwd="loose/deeper",
        commands=(("pip", "compile", "req.in"), ("lock",)),
        uv_settings=_f("l"),
        uv_says="No `pyproject.toml` found",
    ),
    Layout(
        "ws-glob",
        "members = ['packages/*']: every member's indexes are read",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
        },
        _f("r", "m1"),
        uv_settings=_f("r"),
    ),
    Layout(
        "ws-cwd-in-member",
        "from inside a member: the root's settings; the member's own uv.toml is not read",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
            "proj/packages/m1/uv.toml": uv_toml(("mt", url("mt"))),
        },
        _f("r", "m1"),
        cwd="proj/packages/m1",
        uv_settings=_f("r"),
    ),
    Layout(
        "ws-root-uv-toml",
        "uv.toml at the workspace root: settings from it, root and member indexes still read",
        {
            "proj/uv.toml": uv_toml(("t", url("t"))),
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
        },
        _f("t", "r", "m1"),
        uv_settings=_f("t"),
    ),
    Layout(
        "ws-virtual-root",
        "a root without [project] still contributes its indexes",
        {
            "proj/pyproject.toml": pyproject(
                None, ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
        },
        _f("r", "m1"),
    ),
    Layout(
        "ws-exclude",
        "an excluded directory is no member: its indexes are not read",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"], ["packages/x"])
            ),
            **WS_MEMBERS,
            "proj/packages/x/pyproject.toml": pyproject("x", ("xx", url("xx")), deps=()),
        },
        _f("r", "m1"),
        uv_says=f"Ignoring workspace member: {ROOT}/proj/packages/x",
    ),
    Layout(
        "ws-excluded-cwd",
        "from inside an excluded directory: it is its own project, the root is not read",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"], ["packages/x"])
            ),
            **WS_MEMBERS,
            "proj/packages/x/pyproject.toml": pyproject("x", ("xx", url("xx"))),
        },
        _f("xx"),
        cwd="proj/packages/x",
        uv_settings=_f("xx"),
        uv_says="but project is excluded",
    ),
    Layout(
        "ws-non-member-below-root",
        "a project under a workspace root that does not include it, without [tool.uv]: it "
        "is its own workspace, but the settings walk reaches the root's [tool.uv]",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
            "proj/tools/t/pyproject.toml": pyproject("t"),
        },
        _f("r"),
        cwd="proj/tools/t",
        uv_settings=_f("r"),
        uv_says="but project is not included",
    ),
    Layout(
        "ws-dot",
        "members = ['.']: the root only; a project below it that no glob matches is not read",
        {
            "proj/pyproject.toml": pyproject("root", ("r", url("r")), extra=workspace(["."])),
            "proj/packages/m1/pyproject.toml": pyproject("m1", ("m1", url("m1")), deps=()),
        },
        _f("r"),
    ),
    Layout(
        "ws-absolute-glob",
        "an absolute member glob is accepted",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace([f"{ROOT}/proj/packages/*"])
            ),
            **WS_MEMBERS,
        },
        _f("r", "m1"),
    ),
    Layout(
        "ws-doublestar",
        "`**` in a member glob matches members at any depth",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/**/m*"])
            ),
            **WS_MEMBERS,
            "proj/packages/g/m3/pyproject.toml": pyproject("m3", ("m3", url("m3")), deps=()),
        },
        _f("r", "m1", "m3"),
    ),
    Layout(
        "ws-doublestar-bare",
        "members = ['packages/**'] also matches packages/g, which has no pyproject.toml: "
        "workspace discovery fails and uv lock stops before reading any credential",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/**"])
            ),
            **WS_MEMBERS,
            "proj/packages/g/m3/pyproject.toml": pyproject("m3", ("m3", url("m3")), deps=()),
        },
        _f(),
        uv_fails_early=True,
        uv_says="is missing a `pyproject.toml`",
        compare=False,  # uvcreds says so instead: tests/test_discovery_uv.py
    ),
    Layout(
        "ws-doublestar-trailing",
        "members = ['packages/**'] with members a, c and c/d: uv 0.13 takes exactly those "
        "three; packages/ itself (no pyproject.toml) is no member",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/**"])
            ),
            "proj/packages/a/pyproject.toml": pyproject("a", ("a", url("a")), deps=()),
            "proj/packages/c/pyproject.toml": pyproject("c", ("c", url("c")), deps=()),
            "proj/packages/c/d/pyproject.toml": pyproject("d", ("d", url("d")), deps=()),
        },
        _f("r", "a", "c", "d"),
    ),
    Layout(
        "ws-member-same-name",
        "root and member both define `corp`, on different paths: UV_INDEX_CORP_* goes to both",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("corp", url("root-corp")), extra=workspace(["packages/*"])
            ),
            "proj/packages/m1/pyproject.toml": pyproject(
                "m1", ("corp", url("member-corp")), deps=()
            ),
        },
        _f("root-corp", "member-corp"),
        uv_settings=_f("root-corp"),
    ),
    Layout(
        "collide-one-file",
        "`corp_x`/`corp-x` and `ca`/`CA` in one file: two variables, four destinations",
        {
            "proj/pyproject.toml": pyproject(
                "proj",
                ("corp_x", url("cx-underscore")),
                ("corp-x", url("cx-dash")),
                ("ca", url("ca-lower")),
                ("CA", url("ca-upper")),
            )
        },
        _f("cx-underscore", "cx-dash", "ca-lower", "ca-upper"),
        uv_settings=_f("cx-underscore", "cx-dash", "ca-lower", "ca-upper"),
    ),
    Layout(
        "collide-root-member",
        "the same collisions split between the root and a member",
        {
            "proj/pyproject.toml": pyproject(
                "root",
                ("corp_x", url("cx-root")),
                ("CA", url("ca-root")),
                extra=workspace(["packages/*"]),
            ),
            "proj/packages/m1/pyproject.toml": pyproject(
                "m1", ("corp-x", url("cx-member")), ("ca", url("ca-member")), deps=()
            ),
        },
        _f("cx-root", "ca-root", "cx-member", "ca-member"),
        uv_settings=_f("cx-root", "ca-root"),
    ),
    Layout(
        "upper-without-tool-uv",
        "pyproject.toml files without [tool.uv] are skipped; the walk reaches top/uv.toml",
        {
            "top/uv.toml": uv_toml(("t", url("t"))),
            "top/mid/pyproject.toml": pyproject("mid", deps=()),
            "top/mid/proj/pyproject.toml": pyproject("proj"),
        },
        _f("t"),
        cwd="top/mid/proj",
        uv_settings=_f("t"),
    ),
    Layout(
        "upper-tool-uv-used",
        "the project has no [tool.uv]: an enclosing project's [tool.uv] is the settings",
        {
            "top/mid/pyproject.toml": pyproject("mid", ("u", url("u")), deps=()),
            "top/mid/proj/pyproject.toml": pyproject("proj"),
        },
        _f("u"),
        cwd="top/mid/proj",
        uv_settings=_f("u"),
        uv_says="Project is contained in non-workspace project",
    ),
    Layout(
        "upper-tool-uv-shadowed",
        "the project has [tool.uv]: the walk stops there, the enclosing one is not read",
        {
            "top/mid/pyproject.toml": pyproject("mid", ("u", url("u")), deps=()),
            "top/mid/proj/pyproject.toml": pyproject("proj", P),
        },
        _f("p"),
        cwd="top/mid/proj",
    ),
    Layout(
        "unknown-key-upper",
        "an enclosing [tool.uv] uv cannot deserialize is skipped with a warning",
        {
            "top/uv.toml": uv_toml(("t", url("t"))),
            "top/mid/pyproject.toml": pyproject(
                "mid", ("m", url("m")), extra="[tool.uv]\nbogus-key = 1", deps=()
            ),
            "top/mid/proj/pyproject.toml": pyproject("proj"),
        },
        _f("t"),
        cwd="top/mid/proj",
        uv_settings=_f("t"),
        uv_says="Failed to parse",
    ),
    Layout(
        "unknown-key-project",
        "the project's own [tool.uv] has an unknown key: skipped as settings (walk goes on to "
        "top/uv.toml), yet its indexes are still read as project indexes",
        {
            "top/uv.toml": uv_toml(("t", url("t"))),
            "top/proj/pyproject.toml": pyproject("proj", P, extra="[tool.uv]\nbogus-key = 1"),
        },
        _f("t", "p"),
        cwd="top/proj",
        uv_settings=_f("t"),
        uv_says="Failed to parse",
    ),
    Layout(
        "user-config",
        "$XDG_CONFIG_HOME/uv/uv.toml is added to the settings",
        {"proj/pyproject.toml": pyproject("proj", P), USER_TOML: uv_toml(("usr", url("usr")))},
        _f("p", "usr"),
        uv_settings=_f("p", "usr"),
    ),
    Layout(
        "system-config",
        "$XDG_CONFIG_DIRS/uv/uv.toml is added to the settings",
        {"proj/pyproject.toml": pyproject("proj", P), SYSTEM_TOML: uv_toml(("sys", url("sys")))},
        _f("p", "sys"),
        uv_settings=_f("p", "sys"),
    ),
    Layout(
        "user-and-system-config",
        "both are read, with the project's",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            USER_TOML: uv_toml(("usr", url("usr"))),
            SYSTEM_TOML: uv_toml(("sys", url("sys"))),
        },
        _f("p", "usr", "sys"),
    ),
    Layout(
        "system-config-first-of-dirs",
        "only the first $XDG_CONFIG_DIRS entry that has uv/uv.toml counts",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "sys2/uv/uv.toml": uv_toml(("s2", url("s2"))),
            "sys3/uv/uv.toml": uv_toml(("s3", url("s3"))),
        },
        _f("p", "s2"),
        env={"XDG_CONFIG_DIRS": f"{ROOT}/sys1:{ROOT}/sys2:{ROOT}/sys3"},
    ),
    Layout(
        "system-config-empty-xdg-entry",
        "an empty $XDG_CONFIG_DIRS entry is skipped: nonexist::sys2 reads sys2/uv/uv.toml",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "sys2/uv/uv.toml": uv_toml(("s2", url("s2"))),
        },
        _f("p", "s2"),
        env={"XDG_CONFIG_DIRS": f"{ROOT}/nonexist::{ROOT}/sys2"},
        uv_settings=_f("p", "s2"),
        uv_says=f"Found system configuration in: {ROOT}/sys2/uv/uv.toml",
    ),
    Layout(
        "system-config-leading-empty-xdg-entry",
        "a leading empty $XDG_CONFIG_DIRS entry is skipped too: :sys2 reads sys2/uv/uv.toml",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "sys2/uv/uv.toml": uv_toml(("s2", url("s2"))),
        },
        _f("p", "s2"),
        env={"XDG_CONFIG_DIRS": f":{ROOT}/sys2"},
        uv_settings=_f("p", "s2"),
    ),
    Layout(
        "user-config-xdg-beats-home",
        "with XDG_CONFIG_HOME set, ~/.config/uv/uv.toml is not read",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "xdg2/uv/uv.toml": uv_toml(("x2", url("x2"))),
            USER_TOML: uv_toml(("hm", url("hm"))),
        },
        _f("p", "x2"),
        env={"XDG_CONFIG_HOME": f"{ROOT}/xdg2"},
    ),
    Layout(
        "user-config-home-fallback",
        "without XDG_CONFIG_HOME, ~/.config/uv/uv.toml is the user file",
        {"proj/pyproject.toml": pyproject("proj", P), USER_TOML: uv_toml(("hm", url("hm")))},
        _f("p", "hm"),
        unset=("XDG_CONFIG_HOME",),
        uv_says=f"Found user configuration in: {ROOT}/{USER_TOML}",
    ),
    Layout(
        "no-system-config",
        "UV_NO_SYSTEM_CONFIG=1 drops the system file, keeps the user file",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            USER_TOML: uv_toml(("usr", url("usr"))),
            SYSTEM_TOML: uv_toml(("sys", url("sys"))),
        },
        _f("p", "usr"),
        env={"UV_NO_SYSTEM_CONFIG": "1"},
    ),
    Layout(
        "no-config",
        "UV_NO_CONFIG=1 drops every settings file; project indexes are still read",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "proj/uv.toml": uv_toml(("t", url("t"))),
            USER_TOML: uv_toml(("usr", url("usr"))),
            SYSTEM_TOML: uv_toml(("sys", url("sys"))),
        },
        _f("p"),
        env={"UV_NO_CONFIG": "1"},
        uv_settings=_f(),
    ),
    Layout(
        "config-file",
        "UV_CONFIG_FILE replaces every settings file; project indexes are still read",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "proj/uv.toml": uv_toml(("t", url("t"))),
            "elsewhere/cf.toml": uv_toml(("cf", url("cf"))),
            USER_TOML: uv_toml(("usr", url("usr"))),
            SYSTEM_TOML: uv_toml(("sys", url("sys"))),
        },
        _f("cf", "p"),
        env={"UV_CONFIG_FILE": f"{ROOT}/elsewhere/cf.toml"},
        uv_settings=_f("cf"),
    ),
    Layout(
        "config-file-and-no-config",
        "UV_CONFIG_FILE is checked before UV_NO_CONFIG: the file is used",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "proj/uv.toml": uv_toml(("t", url("t"))),
            "elsewhere/cf.toml": uv_toml(("cf", url("cf"))),
            USER_TOML: uv_toml(("usr", url("usr"))),
        },
        _f("cf", "p"),
        env={"UV_CONFIG_FILE": f"{ROOT}/elsewhere/cf.toml", "UV_NO_CONFIG": "1"},
        uv_settings=_f("cf"),
    ),
    Layout(
        "uv-index-env",
        "UV_INDEX (whitespace-separated name=url) and UV_DEFAULT_INDEX (one value) are named",
        {"proj/pyproject.toml": pyproject("proj", P)},
        _f("e1", "e2", "ed", "p"),
        env={"UV_INDEX": f"e1={url('e1')} e2={url('e2')}", "UV_DEFAULT_INDEX": f"ed={url('ed')}"},
        uv_settings=_f("e1", "e2", "ed", "p"),
    ),
    Layout(
        "same-name-in-settings-thrice",
        "`corp` from UV_INDEX, the project and the user file: the first wins for resolution, "
        "but uv stores the credential for all three URLs",
        {
            "proj/pyproject.toml": pyproject("proj", ("corp", url("c-proj"))),
            USER_TOML: uv_toml(("corp", url("c-user"))),
        },
        _f("c-env", "c-proj", "c-user"),
        env={"UV_INDEX": f"corp={url('c-env')}"},
        uv_settings=_f("c-env", "c-proj", "c-user"),
    ),
    Layout(
        "working-directory",
        "UV_WORKING_DIRECTORY moves uv into proj; the current directory's project is ignored",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "elsewhere/pyproject.toml": pyproject("elsewhere", ("o", url("o"))),
        },
        _f("p"),
        cwd="elsewhere",
        env={"UV_WORKING_DIRECTORY": f"{ROOT}/proj"},
    ),
    Layout(
        "project-env-absolute",
        "UV_PROJECT names the project directory",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "elsewhere/pyproject.toml": pyproject("elsewhere", ("o", url("o"))),
        },
        _f("p"),
        cwd="elsewhere",
        env={"UV_PROJECT": f"{ROOT}/proj"},
    ),
    Layout(
        "project-env-relative-to-working-directory",
        "a relative UV_PROJECT is taken from UV_WORKING_DIRECTORY, not from the real cwd "
        "(which has a decoy elsewhere/proj)",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "elsewhere/proj/pyproject.toml": pyproject("decoy", ("decoy", url("decoy"))),
        },
        _f("p"),
        cwd="elsewhere",
        env={"UV_WORKING_DIRECTORY": ROOT, "UV_PROJECT": "proj"},
    ),
    Layout(
        "username-in-url",
        "a username in the URL: the index is still a destination of its variable (uv's log "
        "cannot tell this from the URL's own credential: the URL is stored either way)",
        {"proj/pyproject.toml": pyproject("proj", ("x", url("x", user="u1")))},
        _f("x"),
    ),
    Layout(
        "script-in-project",
        "the script's indexes on top of the current project's settings (uv lock --script "
        "and uv run agree here)",
        {"proj/pyproject.toml": pyproject("proj", P), "proj/s.py": script(("s", url("s")))},
        _f("s", "p"),
        commands=script_commands("s.py"),
        script="s.py",
        uv_settings=_f("s", "p"),
    ),
    Layout(
        "script-uv-toml-beside",
        "a script beside uv.toml: settings are uv.toml + script; with a script target there "
        "are no project indexes, so the pyproject's [[tool.uv.index]] is not read",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "proj/uv.toml": uv_toml(("t", url("t"))),
            "proj/s.py": script(("s", url("s"))),
        },
        _f("s", "t"),
        commands=script_commands("s.py"),
        script="s.py",
        uv_settings=_f("s", "t"),
    ),
    Layout(
        "script-in-other-project",
        "../other/s.py: uv lock --script takes the current directory's settings (p), uv run "
        "the script directory's (o); either may run here",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "other/pyproject.toml": pyproject("other", ("o", url("o"))),
            "other/s.py": script(("s", url("s"))),
        },
        _f("s", "p", "o"),
        commands=script_commands("../other/s.py"),
        script="../other/s.py",
    ),
    Layout(
        "script-outside-any-project",
        "an absolute path to a script with no project above it: uv run reads the script's "
        "index only, uv lock --script the current project's settings too",
        {"proj/pyproject.toml": pyproject("proj", P), "plain/s.py": script(("s", url("s")))},
        _f("s", "p"),
        commands=script_commands(f"{ROOT}/plain/s.py"),
        script=f"{ROOT}/plain/s.py",
    ),
    Layout(
        "script-lock-other-project",
        "uv lock --script ../other/s.py alone: settings from the CURRENT directory's project",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "other/pyproject.toml": pyproject("other", ("o", url("o"))),
            "other/s.py": script(("s", url("s"))),
        },
        _f("s", "p"),
        commands=(("lock", "--script", "../other/s.py"),),
        uv_settings=_f("s", "p"),
        compare=False,
    ),
    Layout(
        "script-run-other-project",
        "uv run ../other/s.py alone: settings from the SCRIPT's directory's project",
        {
            "proj/pyproject.toml": pyproject("proj", P),
            "other/pyproject.toml": pyproject("other", ("o", url("o"))),
            "other/s.py": script(("s", url("s"))),
        },
        _f("s", "o"),
        commands=(("run", "../other/s.py"),),
        uv_settings=_f("s", "o"),
        uv_says="Found workspace root: " + ROOT + "/other",
        compare=False,
    ),
    Layout(
        "script-run-dotdot-lexical",
        "uv run ../plain/s.py, plain/ has no project: uv walks the lexical ancestors of "
        "`proj/../plain`, which include proj/, so proj's settings are read",
        {"proj/pyproject.toml": pyproject("proj", P), "plain/s.py": script(("s", url("s")))},
        _f("s", "p"),
        commands=(("run", "../plain/s.py"),),
        uv_settings=_f("s", "p"),
        compare=False,
        uv_says=f"Found workspace configuration at `{ROOT}/proj/pyproject.toml`",
    ),
    Layout(
        "script-run-absolute-no-project",
        "uv run PATH alone, by absolute path, no project above plain/: the script's index only",
        {"proj/pyproject.toml": pyproject("proj", P), "plain/s.py": script(("s", url("s")))},
        _f("s"),
        commands=(("run", f"{ROOT}/plain/s.py"),),
        uv_settings=_f("s"),
        compare=False,
    ),
)


# Each uv command reads its own set, moved by its own options (`uvcreds exec` decides for
# it): one command per layout, compared with uvcreds' view of that command line.
DECOY = {"here/pyproject.toml": pyproject("here", ("d", url("d")))}
USER_U = {USER_TOML: uv_toml(("u", url("u")))}
COMMAND_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "cmd-project-flag",
        "`uv --project ../proj lock` in a decoy project: proj's indexes, not the decoy's",
        {"proj/pyproject.toml": pyproject("proj", P), **DECOY},
        _f("p"),
        cwd="here",
        commands=(("--project", "../proj", "lock"),),
    ),
    Layout(
        "cmd-directory-flag",
        "`uv lock --directory ../proj` (after the subcommand) in a decoy project",
        {"proj/pyproject.toml": pyproject("proj", P), **DECOY},
        _f("p"),
        cwd="here",
        commands=(("lock", "--directory", "../proj"),),
    ),
    Layout(
        "cmd-config-file",
        "`--config-file` replaces the settings; the project's indexes are still read",
        {"proj/pyproject.toml": pyproject("proj", P), "proj/ci.toml": uv_toml(("c", url("c")))},
        _f("c", "p"),
        commands=(("lock", "--config-file", "ci.toml"),),
        uv_settings=_f("c"),
    ),
    Layout(
        "cmd-no-config",
        "`--no-config` drops the user's uv.toml, not the project's indexes",
        {"proj/pyproject.toml": pyproject("proj", P), **USER_U},
        _f("p"),
        commands=(("--no-config", "lock"),),
    ),
    Layout(
        "cmd-index-flags",
        "`--index` (whitespace-separated) replaces UV_INDEX; `--default-index` is one value",
        {"proj/pyproject.toml": pyproject("proj", P)},
        _f("x", "y", "z", "p"),
        env={"UV_INDEX": f"e={url('e')}"},
        commands=(
            ("lock", "--index", f"x={url('x')} y={url('y')}", f"--default-index=z={url('z')}"),
        ),
    ),
    Layout(
        "cmd-tool-run",
        "`uv tool run` reads the user's settings and its flags, no project",
        {"proj/pyproject.toml": pyproject("proj", P), **USER_U},
        _f("u", "t"),
        commands=(("tool", "run", "--index", f"t={url('t')}", "--from", "tinypkg", "python"),),
    ),
    Layout(
        "cmd-tool-run-its-arguments",
        "after the tool's name, `--index` is the tool's argument, not uv's",
        {"proj/pyproject.toml": pyproject("proj", P), **USER_U},
        _f("u"),
        commands=(("tool", "run", "--from", "tinypkg", "python", "--index", f"n={url('n')}"),),
    ),
    Layout(
        "cmd-pip-table-index",
        "`[tool.uv.pip] index` is no key of uv's: it skips proj's [tool.uv] and walks on up",
        {
            "proj/pyproject.toml": pyproject(
                "proj", P, extra=f"[tool.uv.pip]\nindex = [{{ name = 'q', url = '{url('q')}' }}]"
            ),
            "uv.toml": uv_toml(("up", url("up"))),
            "proj/req.in": "tinypkg\n",
        },
        _f("up"),
        commands=(("pip", "compile", "req.in"),),
        uv_settings=_f("up"),
        uv_says="unknown field `index`",
    ),
    Layout(
        "cmd-pip-table-index-lock",
        "the same for `uv lock`, which still reads proj's own [[tool.uv.index]] directly",
        {
            "proj/pyproject.toml": pyproject(
                "proj", P, extra=f"[tool.uv.pip]\nindex = [{{ name = 'q', url = '{url('q')}' }}]"
            ),
            "uv.toml": uv_toml(("up", url("up"))),
        },
        _f("up", "p"),
        uv_settings=_f("up"),
        uv_says="unknown field `index`",
    ),
    Layout(
        "cmd-pip-no-members",
        "`uv pip` reads the workspace root's settings, not its members' indexes",
        {
            "proj/pyproject.toml": pyproject(
                "root", ("r", url("r")), extra=workspace(["packages/*"])
            ),
            **WS_MEMBERS,
            "proj/req.in": "tinypkg\n",
        },
        _f("r"),
        commands=(("pip", "compile", "req.in"),),
    ),
    Layout(
        "cmd-pip-project-flag",
        "`uv --project ../proj pip compile`: pip's settings come from proj too",
        {"proj/pyproject.toml": pyproject("proj", P), "proj/req.in": "tinypkg\n", **DECOY},
        _f("p"),
        cwd="here",
        commands=(("--project", "../proj", "pip", "compile", "../proj/req.in"),),
    ),
)
LAYOUTS += tuple(replace(layout, compare=False) for layout in COMMAND_LAYOUTS)


@dataclass(frozen=True)
class Row:
    """One destination row of `uvcreds status --json` (the parts compared here)."""

    name: str
    url: str
    role: str | None
    source: str | None


@dataclass(frozen=True)
class Case:
    """A layout written under `root`, with its isolated environment."""

    layout: Layout
    root: Path
    cwd: Path
    env: dict[str, str]

    def uv(self, names: set[str] | None = None) -> tuple[CredentialLog, str]:
        """What the layout's uv commands read, together, with probe passwords for `names`
        (default: every index name); and their stderr, for assertion messages."""
        probe = sorted(self.layout.index_names() if names is None else names)
        logs, context = [], []
        for command in self.layout.commands:
            args = [a.replace(ROOT, str(self.root)) for a in command]
            log, proc = run_uv(args, self.cwd, self.env, probe, tree=self.root)
            logs.append(log)
            context.append(f"$ uv {' '.join(args)}  -> rc {proc.returncode}\n{proc.stderr}")
        return merge(logs), "\n".join(context)

    def uvcreds(self) -> tuple[list[Row], str]:
        """uvcreds' destination rows, here, with the same environment (no probe passwords)."""
        cmd = [*uvcreds_cmd(), "status", "--json"]
        if self.layout.script is not None:
            cmd += ["--script", self.layout.script.replace(ROOT, str(self.root))]
        proc = run(cmd, self.env, cwd=self.cwd)
        context = f"uvcreds status -> rc {proc.returncode}\nstderr: {proc.stderr[-2000:]}"
        # "fallback" rows are settings further up that uv reads only when it cannot read the
        # ones below: uvcreds keeps them as possible destinations, uv does not use them here.
        rows = [r for r in _rows(proc.stdout, context) if r.role != "fallback"]
        return rows, context


def _rows(stdout: str, context: str) -> list[Row]:
    if not stdout.strip():
        return []
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        pytest.fail(f"uvcreds status --json printed no JSON: {stdout[:500]!r}\n{context}")
    if not isinstance(data, list):
        pytest.fail(f"uvcreds status --json is not a list of rows: {data!r}\n{context}")
    rows = []
    for item in data:
        if not (isinstance(item, dict) and isinstance(item.get("name"), str)):
            pytest.fail(f"row without a name: {item!r}\n{context}")
        if not isinstance(item.get("url"), str):
            pytest.fail(f"row without a url: {item!r}\n{context}")
        role, source = item.get("role"), item.get("source")
        rows.append(
            Row(
                item["name"],
                item["url"],
                role if isinstance(role, str) else None,
                source if isinstance(source, str) else None,
            )
        )
    return rows


def materialize(layout: Layout, root: Path) -> Case:
    """Write the layout's files under `root` and build its environment."""
    for ancestor in root.resolve().parents:
        if (ancestor / "pyproject.toml").exists() or (ancestor / "uv.toml").exists():
            pytest.skip(f"{ancestor} holds a pyproject.toml or uv.toml that uv would read")
    env = make_isolated_env(root / "env", base={"PATH": os.environ.get("PATH", os.defpath)})
    for relative, text in layout.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(ROOT, str(root)))
    for name, value in layout.env.items():
        env[name] = value.replace(ROOT, str(root))
    for name in layout.unset:
        env.pop(name, None)
    cwd = root / layout.cwd
    cwd.mkdir(parents=True, exist_ok=True)
    return Case(layout, root, cwd, env)


def _params(layouts: Sequence[Layout]) -> list[Any]:
    return [pytest.param(layout, id=layout.id) for layout in layouts]


def _tail(context: str, limit: int = 6000) -> str:
    return context if len(context) <= limit else "...\n" + context[-limit:]


def check_claim(layout: Layout, log: CredentialLog, stderr: str) -> list[str]:
    """Where uv's log differs from what the layout says uv reads; [] when it agrees."""
    if layout.uv_fails_early:
        return [f"uv read credentials: {sorted(labels(log.urls))}"] if log.ran else []
    problems = []
    if not log.ran:
        problems.append("uv stored no credential at all")
    if labels(log.urls) != layout.uv_reads:
        problems.append(f"uv reads {sorted(labels(log.urls))}, not {sorted(layout.uv_reads)}")
    settings = labels(u for _, u in log.settings)
    if layout.uv_settings is not None and settings != layout.uv_settings:
        problems.append(f"settings {sorted(settings)}, not {sorted(layout.uv_settings)}")
    if layout.uv_says and layout.uv_says not in stderr:
        problems.append(f"uv never said {layout.uv_says!r}")
    return problems


COMPARED = [layout for layout in LAYOUTS if layout.compare]
MULTI_VARIABLE = [
    layout for layout in COMPARED if len({env_stem(n) for n in layout.index_names()}) > 1
]


@pytest.mark.parametrize("layout", _params(LAYOUTS))
def test_uv_reads_what_the_layout_claims(layout: Layout, tmp_path: Path) -> None:
    """Guards the oracle: each layout really exercises the rule it is named after."""
    case = materialize(layout, tmp_path)
    log, context = case.uv()
    says = layout.uv_says.replace(ROOT, str(case.root))
    problems = check_claim(replace(layout, uv_says=says), log, context)
    assert not problems, f"{layout.why}: {problems}\n{_tail(context)}"


@pytest.mark.parametrize("layout", _params(COMPARED))
def test_destinations_match_uv(layout: Layout, tmp_path: Path) -> None:
    """uvcreds' destination URLs are exactly the URLs uv stores the probe password for."""
    case = materialize(layout, tmp_path)
    log, uv_context = case.uv()
    rows, context = case.uvcreds()
    assert {r.url for r in rows} == set(log.urls), f"{context}\n--- {_tail(uv_context)}"


@pytest.mark.parametrize("layout", _params(COMPARED))
def test_settings_list_matches_uv(layout: Layout, tmp_path: Path) -> None:
    """Rows with role "settings" are uv's settings list (its `Read credentials for index`
    lines, by name and URL); rows with role "project" are the URLs uv reads only as
    project or member indexes (a script's indexes are in uv's settings list)."""
    case = materialize(layout, tmp_path)
    log, uv_context = case.uv()
    rows, context = case.uvcreds()
    settings = {(r.name, r.url) for r in rows if r.role == "settings"}
    project = {r.url for r in rows if r.role == "project"}
    assert settings == set(log.settings), f"{context}\n--- {_tail(uv_context)}"
    assert project == set(log.project_only), f"{context}\n--- {_tail(uv_context)}"


@pytest.mark.parametrize("layout", _params(MULTI_VARIABLE))
def test_each_variable_reaches_what_uv_sends_it_to(layout: Layout, tmp_path: Path) -> None:
    """Per variable: with only UV_INDEX_<V>_PASSWORD set, uv's URLs are the destinations of
    the rows whose name maps to <V>. URLs uv stores with no variable at all (a URL's own
    userinfo) are left out on both sides: the log cannot attribute them."""
    case = materialize(layout, tmp_path)
    baseline, _ = case.uv(set())
    rows, context = case.uvcreds()
    names = layout.index_names()
    uv_side: dict[str, set[str]] = {}
    ours: dict[str, set[str]] = {}
    for stem in sorted({env_stem(n) for n in names}):
        log, _ = case.uv({n for n in names if env_stem(n) == stem})
        uv_side[stem] = set(log.urls - baseline.urls)
        ours[stem] = {r.url for r in rows if env_stem(r.name) == stem} - baseline.urls
    assert ours == uv_side, context


@pytest.mark.parametrize("layout", _params(COMMAND_LAYOUTS))
def test_each_command_reads_its_own_set(layout: Layout, tmp_path: Path) -> None:
    """What `uvcreds exec -- uv ARGS` decides for (uv/commandline.py, then discovery in that
    command's view) is exactly what that uv command reads; a place it keeps only to block a variable
    ("fallback", "upload") is no index of uv's."""
    case = materialize(layout, tmp_path)
    log, uv_context = case.uv()
    ((*args,),) = layout.commands
    parsed = commandline.parse(["uv", *(a.replace(ROOT, str(case.root)) for a in args)])
    assert parsed is not None
    found = config.discover(case.cwd, parsed.view(case.env), command=parsed.kind)
    ours = {i.display_url for i in found.indexes if i.role not in DESTINATIONS_ONLY}
    assert labels(ours) == labels(log.urls), _tail(uv_context)


def _report() -> int:
    """Print uv's credential URLs for every layout, and whether they match the claim."""
    bad = 0
    for layout in LAYOUTS:
        with tempfile.TemporaryDirectory(prefix="uvdiff-") as tmp:
            case = materialize(layout, Path(tmp))
            log, context = case.uv()
            says = layout.uv_says.replace(ROOT, str(case.root))
            problems = check_claim(replace(layout, uv_says=says), log, context)
        bad += bool(problems)
        shown = ", ".join(sorted(labels(log.urls))) if log.ran else "nothing (uv fails early)"
        settings = ", ".join(sorted(labels(u for _, u in log.settings)))
        flag = "BAD" if problems else "ok "
        note = "" if layout.compare else "  (oracle only)"
        print(f"{flag} {layout.id:42} {shown}  [settings: {settings}]{note}")
        for problem in problems:
            print(f"      {problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(_report())
