"""Any index: a username and password from named environment variables or `.env` entries."""

from __future__ import annotations

from uvcreds.model import Credential, Index
from uvcreds.providers.base import HeldIn, Settings, named_secret, named_variables
from uvcreds.urls import Url

KEYS = frozenset({"username", "username-env", "password-env"})
SENSITIVE = frozenset({"username-env", "password-env"})
IDENTITY_ENV: tuple[str, ...] = ()
SECRET_ENV: tuple[str, ...] = ()
VENDOR: str | None = None
MADE_BY = "the secret its settings name"
REFUSED = "the secret"
RENEW = "check the secret"
NOT_FOUND_IS_REFUSED = False


def matches(url: Url) -> bool:
    return False  # chosen only by configuration


def resource(url: Url) -> str | None:
    return None  # a secret the user holds goes only where a binding says


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    return named_variables(settings, default_username="")


def fetch(index: Index, settings: Settings) -> Credential:
    return named_secret(index, settings, default_username="")


def username_problem(username: str) -> str | None:
    return None  # no convention: the index's own vendor (by its URL) may have one
