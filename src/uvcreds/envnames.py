"""Index names and the environment variables uv reads for them, exactly as uv forms them."""

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


def username_var(name: str) -> str:
    return f"UV_INDEX_{env_stem(name)}_USERNAME"


def password_var(name: str) -> str:
    return f"UV_INDEX_{env_stem(name)}_PASSWORD"
