"""fish: PWD and prompt events; values in single quotes, control and non-ASCII bytes as `\\XNN`."""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SNIPPET = "uvcreds.fish"

_OUTSIDE = {ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}


def hook(exe: str, *, keyring: bool, store: bool = False) -> str:
    from uvcreds.routes.env.shells import PLACEHOLDER, snippet

    flag = " --keyring" if keyring else " --store" if store else ""
    mode = f"set -g __uvcreds_flags{flag}\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


def render(changes: Mapping[str, str | None]) -> str:
    return "".join(
        f"set -e -g {name};\n" if value is None else f"set -gx {name} {quote(value)};\n"
        for name, value in changes.items()
    )


def render_watch(
    directory: str, stamp: str, due: int, watched: Sequence[str], variables: Sequence[str]
) -> str:
    # fish has no clock variable; `path mtime --relative STAMP` is the age of this evaluation,
    # so the snippet compares it with the seconds from now until the next token is due.
    files = " ".join(quote(path) for path in watched)
    names = " ".join(quote(name) for name in variables)
    ttl = max(int(due - time.time()), 0)
    return (
        f"set -g __uvcreds_dir {quote(directory)}; set -g __uvcreds_stamp {quote(stamp)}; "
        f"set -g __uvcreds_ttl {ttl}; set -g __uvcreds_watch {files}; "
        f"set -g __uvcreds_vars {names};\n"
    )


def quote(value: str) -> str:
    """One fish word that reads back as exactly `value`, expanding nothing."""
    out = ["'"]
    for byte in value.encode("utf-8", "surrogateescape"):
        if byte in _OUTSIDE:
            out.append("'" + _OUTSIDE[byte] + "'")
        elif byte in (ord("'"), ord("\\")):
            out.append("\\" + chr(byte))
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"'\\X{byte:02x}'")
    out.append("'")
    return "".join(out)
