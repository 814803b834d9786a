"""The fast path of `uvcreds export` and `uvcreds hook`, read top to bottom.

A shell calls `uvcreds hook` only when its directory changed, a watched file is newer than
its stamp, or a token falls due; then this file answers from the saved plan (plan.py) and
the token cache (cache.py) with the standard library alone. When it cannot (no valid plan,
a token missing or due, a secret not in the environment), `run_fast` returns None and the
full path in cli.py answers, writing a new plan on its way. Both share `respond`, which
turns the variables wanted here into the change against what this shell already has.
"""

from __future__ import annotations

import os
import sys
import time
import zlib

from uvcreds import cache, fastjson, plan, secure
from uvcreds.envnames import is_own_variable
from uvcreds.errors import UvcredsError
from uvcreds.formats import FORMATS
from uvcreds.formats import render as render_format
from uvcreds.formats import warnings as format_warnings
from uvcreds.paths import Locations
from uvcreds.shells import SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from uvcreds.shells.base import Shell

# The one exported variable that carries this shell's state between prompts.
STATE_VAR = "UVCREDS_STATE"
# How much earlier than the run's start its stamp is dated (see _new_stamp).
STAMP_MARGIN_NS = 50_000_000


def run_fast(argv: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """Serve `export [--format F]` or `hook SHELL` from the plan, or None to take the full path."""
    command = fast_command(argv)
    if command is None:
        return None
    started_ns = time.time_ns()
    cwd = os.getcwd()
    locations = Locations(environ)
    found = planned_values(cwd, environ, locations)
    if found is None:
        return None
    values, due, watched = found
    kind, name = command
    if kind == "export":
        if format_warnings(name, values):
            return None  # the full path prints them
        out = render_format(name, values, environ)
    else:
        out, _ = respond(
            SHELLS[name],
            values,
            environ,
            locations,
            cwd=cwd,
            due=due,
            watched=watched,
            problems=[],
            started_ns=started_ns,
        )
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
    return 0


def fast_command(argv: Sequence[str]) -> tuple[str, str] | None:
    """("export", FORMAT) or ("hook", SHELL) for the plain invocations the fast path serves."""
    if len(argv) == 2 and argv[0] == "hook" and argv[1] in SHELLS:
        return "hook", argv[1]
    if argv[:1] != ["export"]:
        return None
    rest = list(argv[1:])
    if not rest:
        return "export", "sh"
    if len(rest) == 1 and rest[0].startswith("--format="):
        rest = ["--format", rest[0].split("=", 1)[1]]
    if len(rest) == 2 and rest[0] in ("--format", "-f") and rest[1] in FORMATS:
        return "export", rest[1]
    return None


def planned_values(
    cwd: str, environ: Mapping[str, str], locations: Locations, script: str | None = None
) -> tuple[dict[str, str], float, list[str]] | None:
    """The variables for cwd, when the plan is valid and every value is at hand and not due."""
    document = plan.load(cwd, script, environ, locations)
    if document is None:
        return None
    tokens: dict[str, cache.Entry] = {}
    if any(variable["key"] for variable in document["variables"]):
        try:
            tokens, warning = cache.load(locations.cache_dir)
        except UvcredsError:
            return None  # the full path says what is wrong
        if warning:
            return None
    now = time.time()
    due: float = cache.NEVER
    values: dict[str, str] = {}
    for variable in document["variables"]:
        found = _credential(variable, tokens, environ, now)
        if found is None:
            return None
        username, password, due_at = found
        stem = variable["stem"]
        values[f"UV_INDEX_{stem}_USERNAME"] = username or variable["username"]
        values[f"UV_INDEX_{stem}_PASSWORD"] = password
        due = min(due, due_at)
    return values, due, [str(entry[0]) for entry in document["watch"]]


def _credential(
    variable: plan.Variable,
    tokens: Mapping[str, cache.Entry],
    environ: Mapping[str, str],
    now: float,
) -> tuple[str, str, float] | None:
    """Username, password and due time, from the cache or the variables named; None when the
    full path must answer (no token, a token due, a secret not in the environment)."""
    held = variable["held_in"]
    if held is not None:
        password = environ.get(held["password_env"])
        username = environ.get(held["username_env"]) if held["username_env"] else held["username"]
        if password is None or username is None:
            return None  # perhaps in .env: the full path reads it
        return username, password, cache.NEVER
    entry = tokens.get(variable["key"] or "")
    if entry is None or not cache.usable(entry, now) or cache.due(entry, now):
        return None
    return entry["username"], entry["password"], int(entry["due_at"])


def respond(
    shell: Shell,
    wanted: Mapping[str, str],
    environ: Mapping[str, str],
    locations: Locations,
    *,
    cwd: str,
    due: float,
    watched: Sequence[str],
    problems: Sequence[str],
    started_ns: int,
) -> tuple[str, list[str]]:
    """Shell code for the change from this shell's variables to `wanted`, and the problems
    not yet shown since the last change (so no prompt repeats them)."""
    state = _read_state(environ)
    previous: dict[str, str | None] = state.get("prev", {})  # type: ignore[assignment]
    changes: dict[str, str | None] = {}
    for name, earlier in previous.items():
        if name not in wanted and environ.get(name) != earlier:
            changes[name] = earlier  # restore what the user had, or unset
    kept: dict[str, str | None] = {}
    for name, value in wanted.items():
        kept[name] = previous[name] if name in previous else environ.get(name)
        if environ.get(name) != value:
            changes[name] = value
    said = f"{zlib.crc32(chr(10).join(problems).encode('utf-8', 'surrogateescape')):08x}"
    stamp = _new_stamp(locations, state.get("stamp"), started_ns)
    new_state = {"prev": kept, "stamp": stamp, "said": said}
    changes[STATE_VAR] = fastjson.dumps(new_state)
    directory = _shell_directory(cwd, environ)
    # The token cache too: a refresh or logout in another shell changes what this one needs.
    watching = [*watched, os.path.join(locations.cache_dir, cache.TOKENS_FILE)]
    out = shell.render(changes) + shell.render_watch(directory, stamp, int(due), watching)
    return out, [] if said == state.get("said") else list(problems)


def _read_state(environ: Mapping[str, str]) -> dict[str, object]:
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
