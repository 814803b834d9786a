"""The fast path of `uvcreds export` and `uvcreds hook`, read top to bottom.

A shell calls `uvcreds hook` only when its directory changed, a watched file is newer than
its stamp, a secret variable changed, a token falls due or a retry is due; then this file
answers from the saved plan (state/plan.py) and the token cache (state/cache.py) with the
standard library alone. When it cannot (no valid plan, a token missing or due, a secret not
in the environment), `run_fast` returns None and the full path (commands/plain.py)
answers, writing a new plan on its way. Both share `respond`, which turns the variables
wanted here into the change against what this shell already has (`shell_changes`, a pure
function).

In secret-free mode (`--keyring`) the shell gets no password: only the usernames,
`UV_KEYRING_PROVIDER=subprocess`, and uvcreds' own `keyring` program first on PATH.
"""

from __future__ import annotations

import os
import sys
import time
import zlib

from uvcreds.argv import Export, Hook
from uvcreds.errors import UvcredsError
from uvcreds.names import is_own_variable, stem_variables
from uvcreds.routes.env.shells import SHELLS
from uvcreds.state import cache, fastjson, plan, secure
from uvcreds.state.paths import Locations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from uvcreds.routes.env.shells.base import Shell

# The one exported variable that carries this shell's state between prompts.
STATE_VAR = "UVCREDS_STATE"
# How much earlier than the run's start its stamp is dated (see _new_stamp).
STAMP_MARGIN_NS = 50_000_000
# After a failure, the next try: 30 s, doubling to 10 min.
RETRY_FIRST, RETRY_MOST = 30, 600


def run_fast(command: Export | Hook, environ: Mapping[str, str]) -> int | None:
    """Serve `export [--format F]` or `hook SHELL [--keyring]` from the plan, or None to take
    the full path."""
    if isinstance(command, Hook) and command.store:
        return None  # the store route's hook keeps uv's store, on its own path
    started_ns = time.time_ns()
    cwd = os.getcwd()
    locations = Locations(environ)
    keyring = isinstance(command, Hook) and command.keyring
    found = planned_values(cwd, environ, locations, per_url=keyring)
    if found is None:
        return None
    values, due, watched, variables, asked = found
    if isinstance(command, Export):
        from uvcreds.routes.env.formats import render as render_format
        from uvcreds.routes.env.formats import warnings as format_warnings

        if format_warnings(command.format, values):
            return None  # the full path prints them
        out = render_format(command.format, values, environ, watch_paths(watched, locations))
    else:
        if keyring and not os.path.exists(locations.keyring_program):
            return None  # the full path writes it
        out, _ = respond(
            SHELLS[command.shell],
            values,
            environ,
            locations,
            cwd=cwd,
            watch=(due, watched, variables),
            problems=[],
            started_ns=started_ns,
            keyring=keyring,
            asked=asked,
        )
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    return 0


def planned_values(
    cwd: str, environ: Mapping[str, str], locations: Locations, *, per_url: bool = False
) -> tuple[dict[str, str], float, list[str], list[str], bool] | None:
    """The variables for cwd, when the plan is valid and every value is at hand and not due;
    with when the next token falls due, the paths and variables to watch, and whether uv
    asks the keyring for an index without a username (authenticate = "always")."""
    document = plan.load(cwd, None, environ, locations, per_url=per_url)
    if document is None:
        return None
    tokens = plan.tokens_for(document["variables"], locations)
    if tokens is None:
        return None
    now = time.time()
    due: float = cache.NEVER
    values: dict[str, str] = {}
    for variable in document["variables"]:
        found = plan.credential(variable, tokens, environ, now)
        if found is None:
            return None
        username, password, due_at = found
        username_var, password_var = stem_variables(variable["stem"])
        values[username_var], values[password_var] = username, password
        due = min(due, due_at)
    watched = [str(entry[0]) for entry in document["watch"]]
    asked = any(variable["always"] for variable in document["variables"])
    names = plan.shell_names([*document["secret_env"], *document["env"]])
    return values, due, watched, names, asked


def keyring_values(values: Mapping[str, str], *, asked: bool) -> dict[str, str]:
    """What secret-free mode puts in the environment instead: each username (uv asks the
    keyring only with one, or with none for an index that says authenticate = "always":
    `asked`), and UV_KEYRING_PROVIDER whenever uv asks the keyring at all; no password."""
    kept = {n: v for n, v in values.items() if n.endswith("_USERNAME") and v}
    return {**kept, "UV_KEYRING_PROVIDER": "subprocess"} if kept or asked else {}


def shell_changes(
    wanted: Mapping[str, str],
    environ: Mapping[str, str],
    previous: Mapping[str, str | None],
    private_bin: str | None,
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The changes that take this shell from its variables to `wanted`, and what to keep as
    "previous" for the next call (each value the user had before uvcreds set it). Values
    in, changes out, nothing read or written. `private_bin` goes first on PATH (secret-free
    mode) or, when None, out of it, whatever else PATH gained meanwhile."""
    changes: dict[str, str | None] = {}
    for name, earlier in previous.items():
        if name not in wanted and environ.get(name) != earlier:
            changes[name] = earlier  # restore what the user had, or unset
    kept: dict[str, str | None] = {}
    for name, value in wanted.items():
        kept[name] = previous[name] if name in previous else environ.get(name)
        if environ.get(name) != value:
            changes[name] = value
    path = environ.get("PATH")
    if path is not None or private_bin is not None:
        entries = [e for e in (path or "").split(os.pathsep) if e and not _is_private(e)]
        new_path = os.pathsep.join(([private_bin] if private_bin else []) + entries)
        if new_path != path:
            changes["PATH"] = new_path
    return changes, kept


def _is_private(entry: str) -> bool:
    """A PATH entry that is some uvcreds' secret-free `bin` (any cache dir, any user)."""
    return entry.endswith(os.sep + "bin") and os.path.isfile(os.path.join(entry, ".uvcreds"))


def respond(
    shell: Shell,
    wanted: Mapping[str, str],
    environ: Mapping[str, str],
    locations: Locations,
    *,
    cwd: str,
    watch: tuple[float, Sequence[str], Sequence[str]],
    problems: Sequence[str],
    started_ns: int,
    keyring: bool,
    asked: bool = False,
) -> tuple[str, list[str]]:
    """Shell code for the change from this shell's variables to `wanted`, and the problems
    not yet shown since the last change (so no prompt repeats them). `watch`: when the next
    token falls due, the paths and the secret variables whose change means "run again";
    `asked`: see keyring_values."""
    due, watched, variables = watch
    state = read_state(environ)
    if keyring:
        wanted = keyring_values(wanted, asked=asked)
    private_bin = locations.keyring_dir if keyring and wanted else None
    previous: dict[str, str | None] = state.get("prev", {})  # type: ignore[assignment]
    changes, kept = shell_changes(wanted, environ, previous, private_bin)
    said = f"{zlib.crc32(chr(10).join(problems).encode('utf-8', 'surrogateescape')):08x}"
    earlier = state.get("fails")
    failures = (earlier if isinstance(earlier, int) else 0) + 1 if problems else 0
    if failures:  # try again later by itself: the vendor may recover, a login be renewed
        retry = min(RETRY_FIRST * 2 ** min(failures - 1, 5), RETRY_MOST)
        due = min(due, time.time() + retry)
    stamp = _new_stamp(locations, state.get("stamp"), started_ns)
    changes[STATE_VAR] = fastjson.dumps(
        {"prev": kept, "stamp": stamp, "said": said, "fails": failures}
    )
    directory = _shell_directory(cwd, environ)
    watching = _fewer(watch_paths(watched, locations))
    out = shell.render(changes)
    out += shell.render_watch(directory, stamp, int(due), watching, variables)
    return out, [] if said == state.get("said") else list(problems)


def watch_paths(watched: Sequence[str], locations: Locations) -> list[str]:
    """What a shell (or direnv) watches: the plan's paths, and the token cache too, since a
    refresh or logout in another shell changes what this one needs."""
    return [*watched, os.path.join(locations.cache_dir, cache.TOKENS_FILE)]


def _fewer(paths: Sequence[str]) -> list[str]:
    """What the snippet stats at every prompt, fewer: a path whose directory does not exist
    is watched as its nearest existing ancestor (making the file there changes that one)."""
    kept: dict[str, None] = {}
    for path in paths:
        parent = os.path.dirname(path)
        while parent != os.path.dirname(parent) and not os.path.isdir(parent):
            path, parent = parent, os.path.dirname(parent)
        kept[path if os.path.isdir(parent) else parent] = None
    return list(kept)


def read_state(environ: Mapping[str, str]) -> dict[str, object]:
    """This shell's state; anything that is not the shape uvcreds writes, with variable
    names uvcreds forms, is dropped whole (the environment is anyone's to set)."""
    try:
        state = fastjson.loads(environ.get(STATE_VAR, "{}"))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(state, dict):
        return {}
    previous = state.get("prev", {})
    if not isinstance(previous, dict) or not all(
        is_own_variable(name) and (value is None or isinstance(value, str))
        for name, value in previous.items()
    ):
        return {}
    return state


def _shell_directory(cwd: str, environ: Mapping[str, str]) -> str:
    """The shell's own name for cwd: its $PWD keeps symlinks that getcwd() resolves, and the
    snippets compare $PWD with what this returns (pwsh sets no $PWD: cwd is used)."""
    logical = environ.get("PWD", "")
    if logical != cwd and os.path.isabs(logical):
        try:
            if os.path.samestat(os.stat(logical), os.stat(cwd)):
                return logical
        except OSError:
            pass
    return cwd


def _new_stamp(locations: Locations, old: object, started_ns: int) -> str:
    """A new empty file dated when this run started reading: a watched file newer than it
    means "run again". Dated STAMP_MARGIN_NS earlier, since the kernel dates a write with a
    coarse clock that can lag time_ns() by a tick: an edit just after the start still counts.
    Without a safe stamps directory there is no stamp (""), and the snippet runs every time."""
    directory = locations.stamps_dir
    try:
        secure.make_directory(locations.cache_dir, "token cache")
        secure.make_directory(directory, "stamps directory")
        if isinstance(old, str) and os.path.dirname(old) == directory:
            secure.unlink_own(old)  # gone already if a subshell sharing this state replaced it
        path = os.path.join(directory, f"{time.time_ns()}-{os.getpid()}")
        secure.create_empty(path)
        dated = started_ns - STAMP_MARGIN_NS
        os.utime(path, ns=(dated, dated), follow_symlinks=False)
    except (OSError, UvcredsError):
        return ""
    return path
