"""Pure data shared by every layer: an index as uv names it, a credential, a problem.
The variable names uv forms for an index are in names.py, which the fast path imports
without the cost of dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from uvcreds import urls

# An index's role: in uv's settings list (used, first definition of a name wins); read only
# for sources and credentials (workspace root and members, beside the settings); in a
# settings file above the one uv reads; or the publish-url of a settings index on the same
# host, where `uv publish --index NAME` sends the index's credential too (uv's realm cache);
# or, for `uv publish`, a settings index it reads but requests nothing from (IDLE).
# The last three are only places a credential could go: they can block it, never choose it.
SETTINGS, PROJECT, FALLBACK, UPLOAD = "settings", "project", "fallback", "upload"
IDLE = "idle"
DESTINATIONS_ONLY = (FALLBACK, UPLOAD, IDLE)


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
    authenticate: str = "auto"  # uv's policy: "always" makes it ask the keyring with no username

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


# Where a credential came from, which decides where it may go (decide.Scope).
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
