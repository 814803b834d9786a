"""zsh: precmd and chpwd hooks; zsh reads bash's `$'…'` quoting the same way."""

from __future__ import annotations

from uvcreds.shells.bash import quote, render
from uvcreds.shells.bash import watch_line as render_watch

SNIPPET = "uvcreds.zsh"


def hook(exe: str, *, keyring: bool) -> str:
    from uvcreds.shells import PLACEHOLDER, snippet

    mode = "typeset -g __uvcreds_keyring=1\n" if keyring else "unset __uvcreds_keyring\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


__all__ = ["SNIPPET", "hook", "quote", "render", "render_watch"]
