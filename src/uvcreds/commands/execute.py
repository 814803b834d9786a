"""`uvcreds exec`: run a command with the credentials, passing its exit status and signals on.

For uv and uvx, the credentials of the command that runs: its own options and subcommand
decide the project and the indexes (uv/commandline.py)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from uvcreds.errors import UvcredsError, say
from uvcreds.pipeline import decide, resolve
from uvcreds.routes import store as store_route
from uvcreds.state.paths import Locations
from uvcreds.uv import commandline
from uvcreds.uv.discovery import working_dir


def _signals(*names: str) -> tuple[signal.Signals, ...]:
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))  # Windows


# Sent to us alone (kill, a closing terminal): passed to the child.
FORWARDED = _signals("SIGTERM", "SIGHUP")
# Sent by the terminal to the whole foreground group, child included: not sent twice.
GROUP_WIDE = _signals("SIGINT", "SIGQUIT")


def run(command: Sequence[str], environment: Mapping[str, str]) -> int:
    """Run command to its end; a signal sent to us goes to it. Returns its exit status,
    or -N when a signal N ended it (for `die_like`)."""
    try:
        child = subprocess.Popen(list(command), env=dict(environment))
    except FileNotFoundError:
        raise UvcredsError(f"cannot run {command[0]!r}: not found", status=127) from None
    except OSError as exc:
        raise UvcredsError(f"cannot run {command[0]!r}: {exc.strerror}", status=126) from None
    previous = {
        sig: signal.signal(sig, lambda number, _: child.send_signal(number)) for sig in FORWARDED
    }
    previous.update({sig: signal.signal(sig, signal.SIG_IGN) for sig in GROUP_WIDE})
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def die_like(status: int) -> int:
    """Exit as the child did: by the same signal if a signal ended it, else with its code."""
    if status < 0:
        try:
            signal.signal(-status, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP have no handler to reset: sent all the same
        os.kill(os.getpid(), -status)
        return 128 - status  # a signal that does not end a process (SIGSTOP, once resumed)
    return status


def exec_command(command: Sequence[str], *, publish: str | None, keyring: bool, store: bool) -> int:
    """Run COMMAND with the credentials of the route chosen; its exit status (`die_like`).
    When it is uv or uvx, its own command line decides the project and the indexes."""
    if store:
        result = _store_collect(command)
        values: dict[str, str] = store_route.publish_username(result, os.environ, command)
    else:
        result = _collect_for(command, per_url=keyring, publish=publish)
        values = {**result.variables(), **result.publish}
    if keyring:
        values = _keyring_environment(values, asked=result.keyring_asked())
    for message in result.messages():
        say(message)
    status = run(command, {**os.environ, **values})
    managed = [d.chosen.index.name for d in result.decisions if d.chosen and d.credential]
    if status != 0 and publish:
        say(
            f"{command[0]} exited with {status} while publishing to index {publish!r}; if the "
            "index refused the credential, `uvcreds doctor` says why, or get a new one "
            f"(`uvcreds refresh {publish}`)"
        )
    elif status > 0 and managed and commandline.is_uv(command):
        say(
            f"uv exited with {status}; if index {managed[0]!r} or another that uvcreds "
            "manages refused its credential (or said a package does not exist), "
            "`uvcreds doctor` says why"
        )
    return status


def _collect_for(command: Sequence[str], **kwargs: Any) -> decide.Result:
    """exec: for uv (or uvx), the project and indexes of the command it runs, read from its
    own options as uv reads them; for any other program, what `export` gives."""
    parsed = commandline.parse(command)
    if parsed is None:
        return resolve.collect(Path.cwd(), os.environ, Locations(os.environ), warn=say, **kwargs)
    view = parsed.view(os.environ)
    publish = kwargs.get("publish")
    if publish and parsed.kind == commandline.PUBLISH:
        view.setdefault("UV_PUBLISH_INDEX", publish)  # exec sets it for uv, unless uv has one
    return resolve.collect(
        Path.cwd(),
        view,
        Locations(os.environ),
        script=_script(parsed, view),
        command=parsed.kind,
        keep_plan=parsed.kind == commandline.PROJECT
        and view == dict(os.environ),  # the shell's own view
        warn=say,
        **kwargs,
    )


def _store_collect(command: Sequence[str]) -> decide.Result:
    """exec --store: the pipeline, due tokens renewed now, and uv's store brought up to date
    (with the uv that COMMAND is, when it is uv)."""
    environ, locations = os.environ, Locations(os.environ)
    parsed = commandline.parse(command)
    script = _script(parsed, environ) if parsed is not None else None
    result = store_route.collect(Path.cwd(), environ, locations, say, say, script=script)
    for message in store_route.keep(result, environ, locations, command)[0]:
        say(message)
    return result


def _script(parsed: commandline.UvCommand, view: Mapping[str, str]) -> Path | None:
    """The PEP 723 script the uv command reads, when it is a file (else uv says so itself)."""
    script = parsed.script
    if script is None or not (working_dir(Path.cwd(), view) / script).is_file():
        return None
    return Path(script)


def _keyring_environment(values: dict[str, str], *, asked: bool) -> dict[str, str]:
    """exec --keyring: no password; the usernames, UV_KEYRING_PROVIDER and uvcreds'
    `keyring` program first on PATH (whenever uv asks the keyring for any index)."""
    from uvcreds.routes.env import hook
    from uvcreds.routes.keyring import answers

    directory = answers.install_program(Locations(os.environ))
    wanted = hook.keyring_values(values, asked=asked)
    changes, _ = hook.shell_changes(wanted, os.environ, {}, directory)
    return {name: value for name, value in changes.items() if value is not None}
