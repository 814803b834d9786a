"""bash: PROMPT_COMMAND (string or array form), values in ANSI-C `$'…'` quotes."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SNIPPET = "uvcreds.bash"

# Bytes that stand for themselves in any bash or zsh word; everything else goes in $'…'.
# Not `=`: zsh expands `=ls` to a path, at a word's start and after a `:` in assignments.
_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_,-./:@%+")
_ESCAPES = {
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("'"): "\\'",
    ord("\\"): "\\\\",
}


def hook(exe: str, *, keyring: bool, store: bool = False) -> str:
    from uvcreds.routes.env.shells import PLACEHOLDER, snippet

    mode = "__uvcreds_keyring=1\n" if keyring else "unset __uvcreds_keyring\n"
    mode += "__uvcreds_store=1\n" if store else "unset __uvcreds_store\n"
    return mode + snippet(SNIPPET).replace(PLACEHOLDER, quote(exe))


def render(changes: Mapping[str, str | None]) -> str:
    return "".join(
        f"unset {name};\n" if value is None else f"export {name}={quote(value)};\n"
        for name, value in changes.items()
    )


def render_watch(
    directory: str, stamp: str, due: int, watched: Sequence[str], variables: Sequence[str]
) -> str:
    return watch_line(directory, stamp, due, watched, variables) + values_function(variables)


def values_function(variables: Sequence[str]) -> str:
    """The snippet's `__uvcreds_values`, written out for these variables: one expansion
    each (`s<length>:<value>` when set), no loop and no indirection, so a prompt watching
    every variable the decision read costs about what one did. Only plain names."""
    words = "".join(
        f"${{{name}+s${{#{name}}}:${name}}}|" for name in variables if _is_plain_name(name)
    )
    return f'__uvcreds_values() {{ __uvcreds_seen="{words}"; }}\n'


def _is_plain_name(name: str) -> bool:
    return name.isidentifier() and name.isascii()


def watch_line(
    directory: str, stamp: str, due: int, watched: Sequence[str], variables: Sequence[str]
) -> str:
    """The snippet's state (see Shell.render_watch); zsh takes it as it is."""
    files = " ".join(quote(path) for path in watched)
    names = " ".join(quote(name) for name in variables)
    return (
        f"__uvcreds_dir={quote(directory)}; __uvcreds_stamp={quote(stamp)}; "
        f"__uvcreds_due={int(due)}; __uvcreds_watch=({files}); __uvcreds_vars=({names});\n"
    )


def quote(value: str) -> str:
    """One word that any bash or zsh reads back as exactly `value`, expanding nothing.

    Non-ASCII and control bytes become `\\xNN`, so the output is one printable ASCII line.
    """
    data = value.encode("utf-8", "surrogateescape")
    if not data:
        return "''"
    if all(byte in _PLAIN for byte in data):
        return value
    return "$'" + "".join(_escape(byte) for byte in data) + "'"


def _escape(byte: int) -> str:
    if byte in _ESCAPES:
        return _ESCAPES[byte]
    if 0x20 <= byte < 0x7F:
        return chr(byte)
    return f"\\x{byte:02x}"
