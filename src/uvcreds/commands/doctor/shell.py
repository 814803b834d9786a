"""Whether this shell's variables hold what uvcreds would export now: current, stale,
missing, shadowed by a value the user set."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from uvcreds.pipeline import decide
from uvcreds.routes.env import hook

Warn = Callable[[str], None]

# What uv asks an index for (crates/uv-client: the Simple API, JSON first).


def set_by_uvcreds(environ: Mapping[str, str]) -> set[str]:
    """The variables this shell's hook set (UVCREDS_STATE's "prev", checked as the hook
    checks it: names uvcreds forms, or nothing)."""
    previous = hook.read_state(environ).get("prev", {})
    return set(previous) if isinstance(previous, dict) else set()


def shell_state(
    decision: decide.Decision,
    environ: Mapping[str, str],
    ours: set[str],
    *,
    in_store: bool = False,
) -> tuple[dict[str, str], list[tuple[str, bool]]]:
    """Each variable of this index in this shell against what uvcreds would export now, and
    one line (with whether it is an error) per way they differ. Values are compared, never
    shown. `in_store`: uv's credential store holds uvcreds' entry for it (the store route),
    so an unset variable is as it should be."""
    credential = decision.credential if decision.problem is None else None
    wanted = {
        decision.username_var: decision.username if credential is not None else None,
        decision.password_var: credential.password if credential is not None else None,
    }
    secret_free = "UV_KEYRING_PROVIDER" in ours
    states: dict[str, str] = {}
    for name, value in wanted.items():
        have = environ.get(name)
        if secret_free and name == decision.password_var and have is None:
            states[name] = "secret-free"  # uv asks uvcreds' keyring for it
        elif in_store and have is None:
            states[name] = "in uv's store"
        elif have == value:
            states[name] = "current" if value is not None else "unset"
        elif name in ours:
            states[name] = "stale" if value is not None else "stale, to be unset"
        elif have is None:
            states[name] = "missing"
        else:
            states[name] = "set by you" if value is None else "shadowed"
    notes: list[tuple[str, bool]] = []
    for state, (line, is_error) in SHELL_NOTES.items():
        names = [name for name, found in states.items() if found == state]
        if names:
            verb = "is" if len(names) == 1 else "are"
            text = line.format(names=" and ".join(names), is_=verb, listed=" ".join(names))
            notes.append((text, is_error))
    return states, notes


SHELL_NOTES = {
    "stale": (
        "{names} {is_} stale: uvcreds set it earlier and would export another value now; the "
        'next prompt updates it (or run `eval "$(uvcreds export)"`)',
        False,
    ),
    "stale, to be unset": (
        "{names} {is_} stale: uvcreds set it earlier and would export nothing now; the next "
        "prompt unsets it",
        False,
    ),
    "missing": (
        "{names} {is_} not set in this shell: install the hook (`uvcreds init SHELL`), or run "
        '`eval "$(uvcreds export)"` or `uvcreds exec -- uv …`',
        False,
    ),
    "set by you": ("{names} {is_} set in this shell, not by uvcreds; uv sends that value", False),
    "shadowed": (
        "{names} {is_} set in this shell, not by uvcreds, and uv sends that instead of what "
        "uvcreds would export; `unset {listed}`",
        True,
    ),
}
