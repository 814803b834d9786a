"""The providers, one module each (see base.Provider); a new vendor is one file and one line."""

from __future__ import annotations

from uvcreds.errors import UvcredsError
from uvcreds.providers import aws, azure, command, env, google, jfrog
from uvcreds.providers.base import Provider
from uvcreds.urls import Url

PROVIDERS: dict[str, Provider] = {
    "aws": aws,
    "azure": azure,
    "command": command,
    "env": env,
    "google": google,
    "jfrog": jfrog,
}


def detect(url: Url | None) -> str | None:
    """The provider whose anchored URL pattern matches, if any (none for a local path)."""
    if url is None:
        return None
    return next((name for name, provider in PROVIDERS.items() if provider.matches(url)), None)


def lookup(name: str, where: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise UvcredsError(f"{where}: unknown provider {name!r} (known: {known})") from None
