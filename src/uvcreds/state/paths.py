"""Where uvcreds keeps its files. Imported by the fast path, so standard library only.

On Linux these are exactly platformdirs' answers (XDG variables, else ~/.cache, ~/.config,
~/.local/share); elsewhere platformdirs is asked, at the price of importing it.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class Locations:
    """Where this run keeps its files, worked out once at the edge and passed down."""

    __slots__ = ("cache_dir", "config_file", "data_dir")

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.cache_dir = cache_dir(environ)
        self.data_dir = data_dir(environ)
        self.config_file = config_file(environ)

    @property
    def plans_dir(self) -> str:
        return os.path.join(self.cache_dir, "plans")

    @property
    def stamps_dir(self) -> str:
        return os.path.join(self.cache_dir, "stamps")

    @property
    def keyring_dir(self) -> str:
        """Secret-free mode's private directory for its `keyring` program (put on PATH)."""
        return os.path.join(self.cache_dir, "bin")

    @property
    def keyring_program(self) -> str:
        return os.path.join(self.keyring_dir, "keyring")


def cache_dir(environ: Mapping[str, str]) -> str:
    return environ.get("UVCREDS_CACHE_DIR") or _user_dir(environ, "XDG_CACHE_HOME", ".cache")


def data_dir(environ: Mapping[str, str]) -> str:
    """The trust store lives here, like direnv's allow directory."""
    return environ.get("UVCREDS_DATA_DIR") or _user_dir(environ, "XDG_DATA_HOME", ".local/share")


def config_file(environ: Mapping[str, str]) -> str:
    """The user's personal settings: `$UVCREDS_CONFIG`, else `<user config dir>/config.toml`."""
    configured = environ.get("UVCREDS_CONFIG")
    if configured:
        return configured
    return os.path.join(_user_dir(environ, "XDG_CONFIG_HOME", ".config"), "config.toml")


def _user_dir(environ: Mapping[str, str], xdg_variable: str, home_relative: str) -> str:
    if sys.platform.startswith("linux"):
        xdg = environ.get(xdg_variable, "").strip()
        base = xdg or os.path.join(environ.get("HOME") or os.path.expanduser("~"), home_relative)
        return os.path.join(base, "uvcreds")
    import platformdirs

    finder = {
        "XDG_CACHE_HOME": platformdirs.user_cache_dir,
        "XDG_DATA_HOME": platformdirs.user_data_dir,
        "XDG_CONFIG_HOME": platformdirs.user_config_dir,
    }[xdg_variable]
    return str(finder("uvcreds", appauthor=False))
