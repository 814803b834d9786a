"""`uvcreds exec`: run a command with the credentials, passing its exit status and signals on."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence

from uvcreds.errors import UvcredsError


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
