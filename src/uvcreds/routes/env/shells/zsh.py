"""zsh: precmd and chpwd hooks; zsh reads bash's `$'…'` quoting the same way."""

from __future__ import annotations

from uvcreds.routes.env.shells.bash import quote, render, watch_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

SNIPPET = "uvcreds.zsh"


def render_watch(
    directory: str, stamp: str, due: int, watched: Sequence[str], variables: Sequence[str]
) -> str:
    return watch_line(directory, stamp, due, watched, variables) + values_function(variables)


def values_function(variables: Sequence[str]) -> str:
    """The snippet's `__uvcreds_values`, written out for these variables: one array of
    `set:value` words in one assignment, no loop and no `(P)` lookups. Only plain names."""
    words = " ".join(
        f'"${{+{name}}}:${{{name}-}}"'
        for name in variables
        if name.isidentifier() and name.isascii()
    )
    return f"__uvcreds_values() {{ emulate -L zsh; typeset -ga __uvcreds_seen=({words}); }}\n"


def hook(exe: str, *, keyring: bool, store: bool = False) -> str:
    from uvcreds.routes.env.shells import PLACEHOLDER, snippet

    mode = "typeset -g __uvcreds_keyring=1\n" if keyring else "unset __uvcreds_keyring\n"
    mode += "typeset -g __uvcreds_store=1\n" if store else "unset __uvcreds_store\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


__all__ = ["SNIPPET", "hook", "quote", "render", "render_watch"]
