"""Settings files outside the project: a PEP 723 script's `# /// script` block, and the user's
and the system's `uv.toml` (XDG, with uv 0.13's reading of `XDG_CONFIG_DIRS`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from uvcreds.errors import UvcredsError
from uvcreds.state import files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib
from uvcreds.uv.found import Discovery
from uvcreds.uv.toml import is_truthy, tool_uv_of


def script_tool_uv(found: Discovery, path: Path) -> dict[str, Any] | None:
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
    return tool_uv_of(document)


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


def user_and_system_files(environ: Mapping[str, str]) -> list[Path]:
    files_ = [user_config_dir(environ) / "uv" / "uv.toml"]
    if not is_truthy(environ.get("UV_NO_SYSTEM_CONFIG")):
        system = system_config_file(environ)
        if system is not None:
            files_.append(system)
    return files_


def user_config_dir(environ: Mapping[str, str]) -> Path:
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


def system_config_file(environ: Mapping[str, str]) -> Path | None:
    """The first candidate that is a file (the last, /etc/uv/uv.toml, need only exist)."""
    *xdg, etc = system_candidates(environ)
    return next((path for path in xdg if path.is_file()), etc if etc.exists() else None)
