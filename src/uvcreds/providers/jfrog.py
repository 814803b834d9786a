"""JFrog Artifactory: a username and password, or an access token with an empty username.

An access token must go with an *empty* username: `__token__` is answered with 401.
"""

from __future__ import annotations

from uvcreds.model import Credential, Index
from uvcreds.providers.base import HeldIn, Settings, named_secret, named_variables
from uvcreds.urls import Url

KEYS = frozenset({"username", "username-env", "password-env"})
SENSITIVE = frozenset({"username-env", "password-env"})
IDENTITY_ENV: tuple[str, ...] = ()
SECRET_ENV: tuple[str, ...] = ()
VENDOR: str | None = "JFrog"
MADE_BY = "the secret its settings name"
REFUSED = "the secret"
RENEW = "check the secret"
NOT_FOUND_IS_REFUSED = False


def matches(url: Url) -> bool:
    segments = url.path
    return any(segments[i : i + 3] == ("artifactory", "api", "pypi") for i in range(len(segments)))


def resource(url: Url) -> str | None:
    return None  # a secret the user holds goes only where a binding says


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    return named_variables(settings, default_username="")


def fetch(index: Index, settings: Settings) -> Credential:
    return named_secret(index, settings, default_username="")


def username_problem(username: str) -> str | None:
    if username == "__token__":  # PyPI's habit
        return (
            "JFrog answers the username '__token__' with 401: an access token goes with an "
            "empty one"
        )
    return None
