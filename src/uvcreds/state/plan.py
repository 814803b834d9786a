"""The pipeline's decision for one directory, saved so the fast path re-makes none of it.

Written by the full path (resolve.collect) after a run with no problems, read by hook.py
and the keyring answers. A plan is valid while every path it watched has the fingerprint
it had (files, directories whose listing decides members, config files not yet there) and
every environment variable the full path read still has the value it had (kept as a
digest). It holds variable names, cache keys and the names of variables holding secrets,
never a secret; and it is data: every variable name in it must be one uvcreds itself forms
from the index names beside it, or the plan is thrown away.

Imported by the fast path: standard library only at module level.
"""

from __future__ import annotations

import os
import zlib

from uvcreds.errors import UvcredsError
from uvcreds.names import env_stem, name_problem
from uvcreds.state import cache, fastjson, files, secure
from uvcreds.state.digests import digest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import TypedDict

    from uvcreds.state.paths import Locations

    class HeldIn(TypedDict):
        password_env: str
        username_env: str | None
        username: str

    class Variable(TypedDict):
        stem: str  # UV_INDEX_<stem>_USERNAME / _PASSWORD
        names: list[str]  # every index name that maps to it; the first is the chosen one
        urls: list[str]  # every http(s) URL uv sends it to, as uv reads them
        username: str  # the chosen index URL's own username, used when the credential has none
        key: str | None  # the token cache key, for a token the cache keeps
        held_in: HeldIn | None  # else the variables the secret is read from again
        always: bool  # its index says authenticate = "always": uv asks a keyring, no username

    class Plan(TypedDict):
        version: int
        cwd: str
        script: str | None
        per_url: bool  # secret-free mode's: each variable's urls are the ones it may answer
        env: dict[str, str | None]  # variable -> digest of its value (None: unset)
        watch: list[list[object]]  # fingerprints
        variables: list[Variable]
        secret_env: list[str]  # variables that hold secrets bindings name: a change means "again"


def unchanged(recorded: Mapping[str, object], environ: Mapping[str, str]) -> bool:
    """Whether every variable a plan recorded still has the value it had."""
    return all(digest(environ.get(name)) == value for name, value in recorded.items())


VERSION = 7  # 6: the keyring flag without a username; 7: the config in force recorded too
WHAT = "plans directory"


def plan_path(cwd: str, script: str | None, locations: Locations, per_url: bool) -> str:
    """Where the plan for a directory (and script) is kept; secret-free mode's apart, since
    it holds variables whose password the environment route withholds."""
    where = f"{cwd}\0{script or ''}\0{'keyring' if per_url else 'env'}"
    where_bytes = where.encode("utf-8", "surrogateescape")
    return os.path.join(locations.plans_dir, f"{zlib.crc32(where_bytes):08x}.json")


def variable(
    stem: str,
    names: list[str],
    urls: list[str],
    username: str,
    key: str | None,
    held_in: tuple[str, str | None, str] | None,
    *,
    always: bool = False,
) -> Variable:
    """One planned variable pair (see Variable); `held_in`: (password_env, username_env,
    username) of a secret read from the environment."""
    held: HeldIn | None = None
    if held_in is not None:
        held = {"password_env": held_in[0], "username_env": held_in[1], "username": held_in[2]}
    entry: Variable = {
        "stem": stem,
        "names": names,
        "urls": urls,
        "username": username,
        "key": key,
        "held_in": held,
        "always": always,
    }
    return entry


def build(
    where: tuple[Path, Path | None, bool],
    variables: list[Variable],
    watched: list[str],
    secret_env: list[str],
    env: dict[str, str | None],
    started_ns: int,
) -> Plan | None:
    """The plan for `where` (directory, script), or None when a watched path changed while
    it was being read (its fingerprint is newer than the run's start)."""
    watch = [files.fingerprint(path) for path in watched]
    if any(isinstance(t, int) and t >= started_ns for f in watch for t in f[5:7]):
        return None
    cwd, script, per_url = where
    return {
        "version": VERSION,
        "cwd": str(cwd),
        "script": None if script is None else str(script),
        "per_url": per_url,
        "env": env,
        "watch": watch,
        "variables": variables,
        "secret_env": secret_env,
    }


def save(plan: Plan | None, locations: Locations) -> str | None:
    """Record a plan; best effort, since it only saves time (a full disk just means the full
    path runs again). Returns why a cache directory others could write was refused."""
    if plan is None:
        return None
    import json

    path = plan_path(plan["cwd"], plan["script"], locations, plan["per_url"])
    try:
        for directory in (locations.cache_dir, locations.plans_dir):
            secure.check_directory(
                directory, "token cache" if directory == locations.cache_dir else WHAT
            )
    except UvcredsError as exc:
        return str(exc)  # another user could plant files there: say so
    try:
        secure.make_directory(locations.cache_dir, "token cache")  # 0700, not the umask's
        secure.make_directory(locations.plans_dir, WHAT)
        # ASCII (surrogates come out escaped); not synced: a lost plan is only made again.
        secure.write_atomically(path, json.dumps(plan).encode(), durable=False)
    except (OSError, UvcredsError):
        pass  # read-only or full: the token cache said so already, if it mattered
    return None


def load(
    cwd: str,
    script: str | None,
    environ: Mapping[str, str],
    locations: Locations,
    *,
    per_url: bool = False,
) -> Plan | None:
    """The plan for cwd if it is still valid, else None (also when another user could have
    planted it: the full path then says what is wrong with the cache directory)."""
    try:
        if not (
            secure.check_directory(locations.cache_dir, "token cache")
            and secure.check_directory(locations.plans_dir, WHAT)
        ):
            return None
        path = plan_path(cwd, script, locations, per_url)
        raw = secure.read_private(path, "plan", limit=1 << 22)
        document = fastjson.loads(raw.decode("utf-8")) if raw is not None else None
    except (ValueError, UvcredsError, RecursionError):
        return None
    plan = _checked(document)
    if plan is None or (plan["cwd"], plan["script"], plan["per_url"]) != (cwd, script, per_url):
        return None
    if not unchanged(plan["env"], environ):
        return None
    if any(files.fingerprint(str(entry[0])) != entry for entry in plan["watch"]):
        return None
    return plan


def tokens_for(
    variables: Sequence[Variable], locations: Locations
) -> Mapping[str, cache.Entry] | None:
    """The token cache, read when one of these planned variables needs it; None when it
    cannot be read as it is (then the full path says why)."""
    if not any(variable["key"] for variable in variables):
        return {}
    try:
        tokens, warning = cache.load(locations.cache_dir)
    except UvcredsError:
        return None
    return None if warning else tokens


def credential(
    variable: Variable, tokens: Mapping[str, cache.Entry], environ: Mapping[str, str], now: float
) -> tuple[str, str, float] | None:
    """A planned variable's username, password and due time, read again from the cache or
    from the variables named; None when the full path must answer (no token, a token due,
    a secret not in the environment: perhaps in .env)."""
    held = variable["held_in"]
    if held is not None:
        password = environ.get(held["password_env"])
        username = environ.get(held["username_env"]) if held["username_env"] else held["username"]
        if password is None or username is None:
            return None
        return username or variable["username"], password, cache.NEVER
    entry = tokens.get(variable["key"] or "")
    if entry is None or not cache.usable(entry, now) or cache.due(entry, now):
        return None
    return entry["username"] or variable["username"], entry["password"], int(entry["due_at"])


def _checked(document: object) -> Plan | None:
    """The document as a Plan when it has the plan's shape and every variable name in it is
    one uvcreds forms; else None."""
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return None
    if not isinstance(document.get("cwd"), str) or not _optional_str(document.get("script")):
        return None
    if not isinstance(document.get("per_url"), bool):
        return None
    env, watch, variables = document.get("env"), document.get("watch"), document.get("variables")
    if not isinstance(env, dict) or not all(_optional_str(v) for v in env.values()):
        return None
    if not isinstance(watch, list) or not all(
        isinstance(w, list) and w and isinstance(w[0], str) for w in watch
    ):
        return None
    if not isinstance(variables, list) or not all(_valid_variable(v) for v in variables):
        return None
    secrets = document.get("secret_env")
    if not isinstance(secrets, list) or not all(_is_name(s) for s in secrets):
        return None
    return document  # type: ignore[return-value]


def _valid_variable(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    names, stem = entry.get("names"), entry.get("stem")
    if not isinstance(names, list) or not names or not isinstance(stem, str):
        return False
    if not all(
        isinstance(n, str) and name_problem(n) is None and env_stem(n) == stem for n in names
    ):
        return False
    held = entry.get("held_in")
    if held is not None and not (
        isinstance(held, dict)
        and isinstance(held.get("password_env"), str)
        and _optional_str(held.get("username_env"))
        and isinstance(held.get("username"), str)
    ):
        return False
    return (
        isinstance(entry.get("urls"), list)
        and all(isinstance(u, str) for u in entry["urls"])
        and isinstance(entry.get("username"), str)
        and _optional_str(entry.get("key"))
        and isinstance(entry.get("always"), bool)
    )


def shell_names(names: Sequence[str]) -> list[str]:
    """The variables a shell watches between prompts: each once, sorted, only names a shell
    can take as a word (the plan is data)."""
    return sorted({name for name in names if _is_name(name)})


def _is_name(value: object) -> bool:
    """An environment variable name a shell can take as a word (it is printed for one)."""
    return isinstance(value, str) and value.isidentifier() and value.isascii()


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def prune(locations: Locations, *, max_age: float = 30 * 86400, every: float = 86400) -> None:
    """Drop plans and shell stamps unused for `max_age` seconds (left by projects and shells
    long gone); at most once per `every` seconds, so the full path pays for it rarely. Only
    regular files of ours in directories that pass the checks are touched."""
    import time

    try:
        if not secure.check_directory(locations.cache_dir, "token cache"):
            return
    except UvcredsError:
        return
    marker = os.path.join(locations.cache_dir, "pruned")
    now = time.time()
    try:
        if secure.is_own_file(marker) and now - os.lstat(marker).st_mtime < every:
            return
    except OSError:
        pass
    for directory in (locations.plans_dir, locations.stamps_dir):
        try:
            if not secure.check_directory(directory, "token cache"):
                continue
            names = os.listdir(directory)
        except (OSError, UvcredsError):
            continue
        for name in names:
            path = os.path.join(directory, name)
            try:
                if now - os.lstat(path).st_mtime > max_age:
                    secure.unlink_own(path)
            except OSError:
                pass  # another shell pruned it first
    try:
        secure.unlink_own(marker)
        secure.create_empty(marker)
    except OSError:
        pass
