"""`export` and `hook` on the full path, without click.

cli.py's commands call these; so does __main__ when the fast path cannot answer a plain
`export [--format F]` or `hook SHELL`, since importing click alone costs about as much as
the rest of the full path (see bench/). They return what goes to stdout; messages go to
`warn` as they happen (a slow vendor is reported while we wait, not after).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from uvcreds.argv import Export, Hook
from uvcreds.errors import UvcredsError, say
from uvcreds.pipeline import resolve
from uvcreds.routes import store as store_route
from uvcreds.routes.env import hook
from uvcreds.routes.env.formats import render as render_format
from uvcreds.routes.env.formats import warnings as format_warnings
from uvcreds.routes.env.shells import SHELLS
from uvcreds.routes.keyring import answers
from uvcreds.state import cache, plan
from uvcreds.state.paths import Locations

Warn = Callable[[str], None]


def write(text: str) -> None:
    """stdout carries only what is to be evaluated or read, byte for byte."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()


def export(
    format_name: str,
    publish: str | None,
    environ: Mapping[str, str],
    warn: Warn,
    script: Path | None = None,
) -> tuple[str, int]:
    """Every credential variable for the project here, and the exit status (1: not all)."""
    locations = Locations(environ)
    result = resolve.collect(
        Path.cwd(), environ, locations, script=script, publish=publish, warn=warn
    )
    values = {**result.variables(), **result.publish}
    out = render_format(format_name, values, environ, hook.watch_paths(result.watched, locations))
    for message in result.messages() + format_warnings(format_name, values):
        warn(message)
    return out, 0 if result.ok else 1


def hook_change(
    shell: str,
    publish: str | None,
    environ: Mapping[str, str],
    warn: Warn,
    *,
    keyring: bool = False,
    store: bool = False,
) -> str:
    """The change against what this shell has; never fails: a problem is said once.
    `store`: uv's credential store is kept fresh instead, and the shell gets no variable."""
    started_ns = time.time_ns()
    cwd = str(Path.cwd())
    locations = Locations(environ)
    said: list[str] = []  # problems met on the way: said once, with the others
    try:
        if store:
            result = store_route.collect(Path(cwd), environ, locations, said.append, warn)
            values: dict[str, str] = {}
            kept, check_at = store_route.keep(result, environ, locations)
            said += kept
            result.due_at = min(result.due_at, check_at)
            asked = False  # uv reads its store itself; it asks no keyring
        else:
            result = resolve.collect(
                Path(cwd),
                environ,
                locations,
                per_url=keyring,
                publish=publish,
                warn=said.append,
                progress=warn,
            )
            # in secret-free mode respond keeps only the usernames
            values = {**result.variables(), **result.publish}
            asked = result.keyring_asked()
        if keyring:
            answers.install_program(locations)
        problems = [*said, *result.messages()]
        watch = (result.due_at, result.watched, result.shell_variables())
    except UvcredsError as exc:  # never break the prompt: say it once, keep what we had
        values, problems, watch = {}, [*said, str(exc)], (cache.NEVER, [], [])
        asked = False
    out, fresh_problems = hook.respond(
        SHELLS[shell],
        values,
        environ,
        locations,
        cwd=cwd,
        watch=watch,
        problems=problems,
        started_ns=started_ns,
        keyring=keyring,
        asked=asked,
    )
    for message in fresh_problems:
        warn(message)
    plan.prune(locations)
    return out


def run_plain(command: Export | Hook) -> int:
    """__main__'s full path for a plain `export [--format F]` or `hook SHELL [--keyring |
    --store]` (the store route's hook has no other)."""
    try:
        if isinstance(command, Export):
            out, status = export(command.format, None, os.environ, say)
        else:
            hooked = hook_change(
                command.shell, None, os.environ, say, keyring=command.keyring, store=command.store
            )
            out, status = hooked, 0
    except UvcredsError as exc:
        say(str(exc))
        return 1
    write(out)
    return status
