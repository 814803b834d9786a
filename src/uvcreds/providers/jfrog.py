"""JFrog Artifactory: a username and password, or an access token with an empty username.

An access token must go with an *empty* username: `__token__` is answered with 401.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from uvcreds.config import Index
from uvcreds.providers.base import Credential, Settings, named_secret

MINTS_TOKENS = False
KEYS = frozenset({"username", "username-env", "password-env"})
IDENTITY_ENV: tuple[str, ...] = ()


def matches(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and "/artifactory/api/pypi/" in parts.path


def fetch(index: Index, settings: Settings) -> Credential:
    return named_secret(index, settings, default_username="")
