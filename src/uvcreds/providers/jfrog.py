"""JFrog Artifactory: a username and password, or an access token with an empty username.

An access token must go with an *empty* username: `__token__` is answered with 401.
"""

from __future__ import annotations

# Its secret is a named one, read as env reads it (an access token with an empty username).
from uvcreds.providers.env import fetch as fetch
from uvcreds.providers.env import held_in as held_in
from uvcreds.providers.env import resource as resource
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


def username_problem(username: str) -> str | None:
    if username == "__token__":  # PyPI's habit
        return (
            "JFrog answers the username '__token__' with 401: an access token goes with an "
            "empty one"
        )
    return None
