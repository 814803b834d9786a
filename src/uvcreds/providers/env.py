"""Any index: a username and password from named environment variables or `.env` entries."""

from __future__ import annotations

from uvcreds.config import Index
from uvcreds.providers.base import Credential, Settings, named_secret

MINTS_TOKENS = False
KEYS = frozenset({"username", "username-env", "password-env"})
IDENTITY_ENV: tuple[str, ...] = ()


def matches(url: str) -> bool:
    return False  # chosen only by configuration


def fetch(index: Index, settings: Settings) -> Credential:
    return named_secret(index, settings, default_username="")
