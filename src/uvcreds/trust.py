"""Trust for a project's own uvcreds settings, as direnv trusts an .envrc.

An allow is recorded under sha256(path + contents): editing the file revokes it. A deny is
recorded under sha256(path): it survives edits until the user allows again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from uvcreds import paths

ALLOWED, DENIED, NOT_ALLOWED = "allowed", "denied", "not allowed"


def store_dirs(environ: Mapping[str, str]) -> tuple[Path, Path]:
    base = Path(paths.data_dir(environ))
    return base / "allow", base / "deny"


def _content_hash(path: Path) -> str:
    """Of the path and its contents, and of the uv.toml beside it, which (when there is one)
    defines the indexes, and so where the secrets these settings name are sent."""
    digest = hashlib.sha256(str(path).encode() + b"\n" + path.read_bytes())
    uv_toml = path.with_name("uv.toml")
    if uv_toml.is_file():
        digest.update(b"\nuv.toml\n" + uv_toml.read_bytes())
    return digest.hexdigest()


def _path_hash(path: Path) -> str:
    return hashlib.sha256(str(path).encode() + b"\n").hexdigest()


def _records(path: Path, environ: Mapping[str, str]) -> tuple[Path | None, Path]:
    """The allow record for the file as it is now (None when it cannot be read) and its
    deny record, whichever of them exist."""
    allow_dir, deny_dir = store_dirs(environ)
    try:
        allowed: Path | None = allow_dir / _content_hash(path)
    except OSError:
        allowed = None
    return allowed, deny_dir / _path_hash(path)


def state(path: Path, environ: Mapping[str, str]) -> str:
    allowed, denied = _records(path.resolve(), environ)
    if denied.exists():
        return DENIED
    return ALLOWED if allowed is not None and allowed.exists() else NOT_ALLOWED


def watch_paths(path: Path, environ: Mapping[str, str]) -> list[str]:
    """The allow and deny files whose appearance changes this file's trust state."""
    return [str(record) for record in _records(path.resolve(), environ) if record is not None]


def allow(path: Path, environ: Mapping[str, str]) -> None:
    allow_dir, deny_dir = store_dirs(environ)
    path = path.resolve()
    allow_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (allow_dir / _content_hash(path)).write_text(f"{path}\n")
    (deny_dir / _path_hash(path)).unlink(missing_ok=True)


def deny(path: Path, environ: Mapping[str, str]) -> None:
    allow_dir, deny_dir = store_dirs(environ)
    path = path.resolve()
    deny_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (deny_dir / _path_hash(path)).write_text(f"{path}\n")
    for entry in allow_dir.glob("*") if allow_dir.is_dir() else ():
        if entry.read_text().rstrip("\n") == str(path):
            os.unlink(entry)
