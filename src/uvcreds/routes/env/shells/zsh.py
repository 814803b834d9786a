"""zsh: precmd and chpwd hooks; zsh reads bash's `$'…'` quoting the same way."""

from __future__ import annotations

from uvcreds.routes.env.shells.bash import quote, render, render_watch

SNIPPET = "uvcreds.zsh"


def hook(exe: str, *, keyring: bool, store: bool = False) -> str:
    from uvcreds.routes.env.shells import PLACEHOLDER, snippet

    mode = "typeset -g __uvcreds_keyring=1\n" if keyring else "unset __uvcreds_keyring\n"
    mode += "typeset -g __uvcreds_store=1\n" if store else "unset __uvcreds_store\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


__all__ = ["SNIPPET", "hook", "quote", "render", "render_watch"]
