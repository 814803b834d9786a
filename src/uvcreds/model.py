"""Pure data shared by every layer: an index as uv names it, the variables uv reads for it,
a credential, a problem. Standard library only (the fast path imports it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from uvcreds import urls

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


def username_var(name: str) -> str:
    return f"UV_INDEX_{env_stem(name)}_USERNAME"


def password_var(name: str) -> str:
    return f"UV_INDEX_{env_stem(name)}_PASSWORD"


# An index's role: in uv's settings list (used, first definition of a name wins); read only
# for sources and credentials (workspace root and members, beside the settings); in a
# settings file above the one uv reads; or the publish-url of a settings index on the same
# host, where `uv publish --index NAME` sends the index's credential too (uv's realm cache).
# The last two are only places a credential could go: they can block it, never choose it.
SETTINGS, PROJECT, FALLBACK, UPLOAD = "settings", "project", "fallback", "upload"
DESTINATIONS_ONLY = (FALLBACK, UPLOAD)


@dataclass(frozen=True)
class Index:
    """One `[[tool.uv.index]]` (or `[[index]]`, or `UV_INDEX` entry) that has a name."""

    name: str
    url: str  # as written; a relative path is made absolute against its file's directory
    source: str  # the file that defined it, or the environment variable
    role: str = SETTINGS
    publish_url: str | None = None
    target: urls.Url | None = None  # where uv sends requests; None for a local path
    url_error: str | None = None  # an http(s) URL that does not parse

    @property
    def display_url(self) -> str:
        """The URL for messages and files: never its userinfo."""
        return urls.display(self.url)

    @property
    def username(self) -> str:
        """A username written into the URL: uv's, unless the variable sets one."""
        return self.target.username if self.target is not None else ""


@dataclass(frozen=True)
class Problem:
    """Something wrong with the configuration; errors make `export` exit 1."""

    message: str
    is_error: bool = True


# Where a credential came from, which decides where it may go (resolve.Scope).
MINTED = "minted"  # a vendor issued it for its own anchored host
VENDOR_VARIABLE = "vendor variable"  # the vendor's own default variable (SYSTEM_ACCESSTOKEN)
USER_SECRET = "user secret"  # a secret the user holds: only where a binding says


@dataclass(frozen=True)
class Credential:
    """What uv gets for one index; `expires_at` (a Unix time) marks a token to cache and
    refresh, None a secret that lasts."""

    username: str
    password: str = field(repr=False)
    expires_at: float | None = None
    origin: str = MINTED
