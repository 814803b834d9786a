"""Index names and the environment variables uv reads for them, exactly as uv forms them.
Written once, for the full path and the fast path alike: standard library only."""

from __future__ import annotations

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def name_problem(name: str) -> str | None:
    """Why uv would reject this index name, or None if uv accepts it."""
    for char in name:
        if char not in _NAME_CHARS:
            return (
                f"index name {name!r} has {char!r}: uv allows only ASCII letters, digits, "
                "'-', '_' and '.'"
            )
    return None


def env_stem(name: str) -> str:
    """`internal-proxy.v2` -> `INTERNAL_PROXY_V2`: uppercase ASCII alphanumerics, else `_`."""
    return "".join(c.upper() if c.isascii() and c.isalnum() else "_" for c in name)


_STEM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# The other variables uvcreds itself sets.
OWN_VARIABLES = frozenset(
    {"UV_PUBLISH_USERNAME", "UV_PUBLISH_PASSWORD", "UV_PUBLISH_INDEX", "UV_KEYRING_PROVIDER"}
)


def is_own_variable(name: str) -> bool:
    """Whether uvcreds could have formed this variable name: a shell state or plan naming
    anything else (`X;touch pwned;#`) is data from someone else, never printed."""
    if name in OWN_VARIABLES:
        return True
    for suffix in ("_USERNAME", "_PASSWORD"):
        if name.startswith("UV_INDEX_") and name.endswith(suffix):
            return all(c in _STEM_CHARS for c in name[len("UV_INDEX_") : -len(suffix)])
    return False


def stem_variables(stem: str) -> tuple[str, str]:
    """The username and password variables uv reads for a stem."""
    return f"UV_INDEX_{stem}_USERNAME", f"UV_INDEX_{stem}_PASSWORD"


def username_var(name: str) -> str:
    return stem_variables(env_stem(name))[0]


def password_var(name: str) -> str:
    return stem_variables(env_stem(name))[1]
