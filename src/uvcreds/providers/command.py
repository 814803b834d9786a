"""Any index: a program the user names prints the secret, or JSON with more.

Output is either the password alone (one line), or a JSON object
`{"username": ..., "password": ..., "expires": <Unix time or ISO 8601>}`; with `expires`
the token is cached and refreshed like a vendor's. The program runs with stdin closed,
in the project directory, with UVCREDS_INDEX_NAME and UVCREDS_INDEX_URL set, and at most
UVCREDS_TIMEOUT seconds.
A project's own `command` runs only once the project is allowed (settings.py).
"""

from __future__ import annotations

from uvcreds.errors import UvcredsError
from uvcreds.model import USER_SECRET, Credential, Index
from uvcreds.providers.base import HeldIn, Settings, iso_timestamp, run_program
from uvcreds.urls import Url

KEYS = frozenset({"command", "username"})
SENSITIVE = frozenset({"command"})
IDENTITY_ENV: tuple[str, ...] = ()
SECRET_ENV: tuple[str, ...] = ()
VENDOR: str | None = None
MADE_BY = "printed by its command"
REFUSED = "what its command printed"
RENEW = "check the command"
NOT_FOUND_IS_REFUSED = False


def matches(url: Url) -> bool:
    return False  # chosen only by configuration


def resource(url: Url) -> str | None:
    return None  # what the program prints goes only where a binding says


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    return None  # a token with `expires` is cached; one without is asked for each time


def fetch(index: Index, settings: Settings) -> Credential:
    argv = settings.values.get("command")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise UvcredsError(f"{settings.origin}: 'command' must be a non-empty list of strings")
    where = f"index {index.name!r}"
    done = run_program(
        argv,
        settings,
        where,
        extra_env={"UVCREDS_INDEX_NAME": index.name, "UVCREDS_INDEX_URL": index.display_url},
        cwd=settings.dotenv.parent if settings.dotenv else None,
    )
    if done.returncode != 0:
        # Its stderr is not repeated: a secret helper's errors may quote what it holds.
        raise UvcredsError(
            f"{where}: {argv[0]} failed (exit {done.returncode}); run it yourself to see why"
        )
    return _parse(done.stdout, settings, f"{where}: {argv[0]}")


def _parse(output: str, settings: Settings, where: str) -> Credential:
    username = settings.text("username") or ""
    if not output.lstrip().startswith("{"):
        password = output.rstrip("\r\n")
        if not password:
            raise UvcredsError(f"{where} printed nothing")
        return Credential(username, password, origin=USER_SECRET)
    import json

    try:
        document = json.loads(output)
    except ValueError:
        raise UvcredsError(f"{where} printed JSON that does not parse") from None
    secret = document.get("password") if isinstance(document, dict) else None
    if not isinstance(secret, str) or not secret:
        raise UvcredsError(f"{where} printed JSON without a string 'password'")
    user = document.get("username", username)
    if not isinstance(user, str):
        raise UvcredsError(f"{where} printed a 'username' that is not a string")
    return Credential(user, secret, _expiry(document.get("expires"), where), USER_SECRET)


def _expiry(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e11:
        return float(value)
    moment = iso_timestamp(value) if isinstance(value, str) else None
    if moment is not None:
        return moment
    raise UvcredsError(f"{where} printed an 'expires' that is neither a Unix time nor ISO 8601")


def username_problem(username: str) -> str | None:
    return None  # no convention: the index's own vendor (by its URL) may have one
