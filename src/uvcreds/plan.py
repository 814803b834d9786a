"""A project's resolved indexes, saved so the fast path needs no TOML parser and no SDK.

Written by the full path after a run with no problems; read by hook.py. A plan is valid
while every watched file and directory has the size and mtime it had and the environment
variables it depended on are unchanged; otherwise the full path runs and writes a new one.
It holds variable names and cache keys, never a secret.
"""

from __future__ import annotations

import os
import zlib

from uvcreds import cache, fastjson, paths
from uvcreds.errors import UvcredsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvcreds.credentials import Result

VERSION = 2  # 2: trust now covers uv.toml and team `provider`; older plans are void


def plan_path(cwd: str, environ: Mapping[str, str]) -> str:
    name = f"{zlib.crc32(cwd.encode('utf-8', 'surrogateescape')):08x}.json"
    return os.path.join(paths.cache_dir(environ), "plans", name)


def fingerprint(path: str) -> list[object]:
    """[path, mtime_ns, size], or [path, None, None] when absent."""
    try:
        info = os.stat(path)
    except OSError:
        return [path, None, None]
    return [path, info.st_mtime_ns, info.st_size]


def load(cwd: str, environ: Mapping[str, str]) -> dict[str, object] | None:
    """The plan for cwd if it is still valid, else None (also when others could have planted
    it: the full path then says what is wrong with the cache directory)."""
    try:
        cache.check_directory(paths.cache_dir(environ))
        with open(plan_path(cwd, environ), "rb") as stream:
            document = fastjson.loads(stream.read().decode("utf-8", "surrogateescape"))
    except (OSError, ValueError, UvcredsError):
        return None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return None
    if document.get("cwd") != cwd:
        return None
    env = document.get("env")
    if not isinstance(env, dict) or any(environ.get(k) != v for k, v in env.items()):
        return None
    watch = document.get("watch")
    if not isinstance(watch, list) or any(fingerprint(str(w[0])) != w for w in watch):
        return None
    return document


def save(
    cwd: str,
    environ: Mapping[str, str],
    result: Result,
    keys: Mapping[str, str],
    env_names: list[str],
    watched: list[str],
    started_ns: int,
) -> None:
    """Record what the full path found; best effort, since the plan only saves time.

    Not saved when a watched file changed after `started_ns`, while it was being read.
    """
    import json

    from uvcreds import envnames
    from uvcreds.cache import write_atomically

    indexes = []
    for outcome in result.outcomes:
        if outcome.credential is None:
            continue
        name = outcome.index.name
        settings = outcome.resolved.settings
        entry: dict[str, object] = {
            "name": name,
            "username_var": envnames.username_var(name),
            "password_var": envnames.password_var(name),
            "publish_url": outcome.index.publish_url,
        }
        if name in keys:
            entry["key"] = keys[name]
        else:
            entry["username"] = settings.values.get("username")
            entry["username_env"] = settings.values.get("username-env")
            entry["password_env"] = settings.values.get("password-env")
        indexes.append(entry)
    fingerprints = [fingerprint(path) for path in watched]
    if any(isinstance(mtime, int) and mtime >= started_ns for _, mtime, _ in fingerprints):
        return
    document = {
        "version": VERSION,
        "cwd": cwd,
        "env": {name: environ.get(name) for name in sorted(set(env_names))},
        "watch": fingerprints,
        "indexes": indexes,
    }
    path = plan_path(cwd, environ)
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        # ASCII (surrogates come out escaped); not synced: a lost plan is only made again.
        write_atomically(path, json.dumps(document), durable=False)
    except OSError:
        pass  # the next run takes the full path again; nothing is lost


def prune(cache_dir: str, *, max_age: float = 30 * 86400, every: float = 86400) -> None:
    """Drop plans and shell stamps unused for `max_age` seconds (left by projects and shells
    long gone); at most once per `every` seconds, so the full path pays for it rarely."""
    import time

    marker = os.path.join(cache_dir, "pruned")
    now = time.time()
    try:
        if now - os.stat(marker).st_mtime < every:
            return
    except OSError:
        pass
    for folder in ("plans", "stamps"):
        directory = os.path.join(cache_dir, folder)
        for name in os.listdir(directory) if os.path.isdir(directory) else ():
            path = os.path.join(directory, name)
            try:
                if now - os.stat(path).st_mtime > max_age:
                    os.unlink(path)
            except OSError:
                pass  # another shell pruned it first
    try:
        with open(marker, "w"):
            pass
    except OSError:
        pass
