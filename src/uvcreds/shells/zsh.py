"""zsh: precmd and chpwd hooks; zsh reads bash's `$'…'` quoting the same way."""

from __future__ import annotations

from uvcreds.shells.bash import quote, render, render_watch

SNIPPET = "uvcreds.zsh"


def hook(exe: str) -> str:
    from uvcreds.shells import PLACEHOLDER, snippet

    return snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


__all__ = ["SNIPPET", "hook", "quote", "render", "render_watch"]
