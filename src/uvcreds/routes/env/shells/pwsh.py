"""PowerShell: location change plus a chained prompt; values in single-quoted strings.

In a single-quoted string only the quote characters are special, and PowerShell counts
four of them as quotes: ' and the typographic U+2018 to U+201B. Each is doubled.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SNIPPET = "uvcreds.ps1"

SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def hook(exe: str, *, keyring: bool, store: bool = False) -> str:
    from uvcreds.routes.env.shells import PLACEHOLDER, snippet

    flag = "--keyring" if keyring else "--store" if store else None
    mode = f"$global:__uvcreds_flags = @({quote(flag) if flag else ''})\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


def render(changes: Mapping[str, str | None]) -> str:
    return "".join(
        f"Remove-Item -LiteralPath {quote('env:/' + name)} -ErrorAction SilentlyContinue;\n"
        if value is None
        else f"${{env:{name}}}={quote(value)};\n"
        for name, value in changes.items()
    )


def render_watch(
    directory: str, stamp: str, due: int, watched: Sequence[str], variables: Sequence[str]
) -> str:
    files = ",".join(quote(path) for path in watched)
    names = ",".join(quote(name) for name in variables)
    return (
        f"$global:__uvcreds_dir={quote(directory)}; $global:__uvcreds_stamp={quote(stamp)}; "
        f"$global:__uvcreds_due={int(due)}; $global:__uvcreds_watch=@({files}); "
        f"$global:__uvcreds_vars=@({names});\n"
    )


def quote(value: str) -> str:
    """A single-quoted PowerShell string that reads back as exactly `value`."""
    return "'" + "".join(c + c if c in SINGLE_QUOTES else c for c in value) + "'"
