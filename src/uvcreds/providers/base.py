"""What every provider shares: the Credential it returns, the Settings it reads, its protocol."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from uvcreds.debug import log
from uvcreds.errors import UvcredsError
from uvcreds.model import USER_SECRET, Credential, Index
from uvcreds.urls import Url

if TYPE_CHECKING:
    import subprocess


@dataclass(frozen=True)
class HeldIn:
    """The variables a secret was read from, so the fast path can read it again itself."""

    password_env: str
    username_env: str | None = None
    username: str = ""  # the literal username, when no username_env


@dataclass(frozen=True)
class Settings:
    """The settings that apply to one index, and where its named secrets may be read."""

    values: Mapping[str, object]
    environ: Mapping[str, str] = field(repr=False)
    dotenv: Path | None = None  # the project's .env, read only for variables the settings name
    origin: str = "defaults"  # where the settings came from, for messages

    def text(self, key: str) -> str | None:
        """A string setting, or None when unset; a wrong type is the user's to fix."""
        value = self.values.get(key)
        if value is None or isinstance(value, str):
            return value
        raise UvcredsError(f"{self.origin}: '{key}' must be a string")

    def secret(self, variable: str) -> str | None:
        """A named secret: the environment first, then the project's .env. Not recorded in
        the plan's environment: the fast path reads it live."""
        read = getattr(self.environ, "secret", self.environ.get)
        value: str | None = read(variable)
        if value is not None:
            return value
        if self.dotenv is None or not os.path.lexists(self.dotenv):
            return None
        found = _read_dotenv(self.dotenv).get(variable)
        if found is not None:
            log("%s: read from %s", variable, self.dotenv)
        return found


def _read_dotenv(path: Path) -> dict[str, str | None]:
    """The project's .env, parsed with interpolation off; lines python-dotenv cannot parse are
    skipped quietly (it would log them raw to stderr), unreadable text is the user's to fix."""
    import io
    import logging

    from dotenv import dotenv_values  # only when the environment lacks a variable

    from uvcreds.state.files import read_bounded

    try:
        text = read_bounded(str(path), ".env file").decode("utf-8")
    except UnicodeDecodeError:
        raise UvcredsError(f"{path}: not UTF-8 text; fix or remove it") from None
    logging.getLogger("dotenv").addHandler(logging.NullHandler())
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))


# What to do when an index refuses a token a vendor minted.
RENEW_TOKEN = (
    "get a new one with `uvcreds refresh {name}`, and check that your login may read this "
    "repository"
)


class Provider(Protocol):
    """A vendor, or a way of finding a secret. Modules implement this; see PROVIDERS."""

    # The settings keys this provider reads, besides `provider`.
    KEYS: frozenset[str]
    # Keys that run a program or say where a secret comes from or goes: in a project's own
    # settings they count only once the project is allowed.
    SENSITIVE: frozenset[str]
    # Environment variables that change whose token is minted (part of the cache key).
    IDENTITY_ENV: tuple[str, ...]
    # Variables holding a secret it reads without settings naming them (SYSTEM_ACCESSTOKEN).
    SECRET_ENV: tuple[str, ...]
    # What doctor says of it: the vendor's name (None: a way of finding a secret, no vendor);
    # where a credential it gets comes from; what the index refused when it refuses one, and
    # what to do then (`{name}`: the index); whether its indexes answer a bad or expired
    # credential with 404 instead of 401 (uv reports that as "package not found", #11899).
    VENDOR: str | None
    MADE_BY: str
    REFUSED: str
    RENEW: str
    NOT_FOUND_IS_REFUSED: bool

    def matches(self, url: Url) -> bool:
        """True when the URL is unmistakably this vendor's (anchored host or path pattern)."""
        ...

    def resource(self, url: Url) -> str | None:
        """The vendor resource an anchored URL names (a minted token is good for it and may
        go to any index URL naming the same one), or None."""
        ...

    def held_in(self, index: Index, settings: Settings) -> HeldIn | None:
        """The variables this index's secret is read from (never cached, read again live),
        or None for a token the cache keeps."""
        ...

    def fetch(self, index: Index, settings: Settings) -> Credential:
        """Get a credential, or raise UvcredsError with one line that says what to do."""
        ...

    def username_problem(self, username: str) -> str | None:
        """Why this username, sent to the vendor's index, breaks its convention: one clause
        that names only the vendor's own usernames, never the one given; or None."""
        ...


def named_variables(settings: Settings, *, default_username: str) -> HeldIn | None:
    """Where env and jfrog read their secret: the variables the settings name."""
    password_env = settings.text("password-env")
    if password_env is None:
        return None
    username = settings.text("username")
    return HeldIn(password_env, settings.text("username-env"), username or default_username)


def named_secret(index: Index, settings: Settings, *, default_username: str) -> Credential:
    """A username and password from the variables the settings name (env and jfrog)."""
    password_env = settings.text("password-env")
    if password_env is None:
        raise UvcredsError(
            f"index {index.name!r}: no secret is bound to {index.display_url}; add a "
            '[[credential]] with this url and password-env = "VARIABLE" to your uvcreds config'
        )
    password = settings.secret(password_env)
    if password is None:
        raise UvcredsError(
            f"index {index.name!r}: set {password_env} (named in {settings.origin}) "
            "in the environment or the project's .env"
        )
    username = settings.text("username")
    username_env = settings.text("username-env")
    if username_env is not None:
        username = settings.secret(username_env)
        if username is None:
            raise UvcredsError(
                f"index {index.name!r}: set {username_env} (named in {settings.origin}) "
                "in the environment or the project's .env"
            )
    username = username if username is not None else default_username
    return Credential(username, password, origin=USER_SECRET)


def find_program(name: str, settings: Settings) -> str | None:
    """A vendor's program on the PATH of the environment uvcreds runs in."""
    import shutil

    return shutil.which(name, path=settings.environ.get("PATH"))


# How long a vendor (an SDK call, a program) may take: UVCREDS_TIMEOUT seconds.
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 3600.0


def timeout(environ: Mapping[str, str]) -> float:
    raw = environ.get("UVCREDS_TIMEOUT", "")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT:  # also refuses nan and inf
        raise UvcredsError(
            f"UVCREDS_TIMEOUT={raw!r}: give a number of seconds above 0, at most {MAX_TIMEOUT:g}"
        )
    return seconds


def run_program(
    argv: list[str],
    settings: Settings,
    where: str,
    *,
    extra_env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a program (az, gcloud, a user's secret helper) with no stdin, within
    UVCREDS_TIMEOUT; its output is text, any bytes kept (surrogate escapes).

    Returns whatever it exited with; a program that cannot start or never finishes is a
    UvcredsError naming it.
    """
    import subprocess

    seconds = timeout(settings.environ)
    try:
        return subprocess.run(
            argv,
            env={**settings.environ, **(extra_env or {})},
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        raise UvcredsError(f"{where}: {argv[0]} did not finish within {seconds:g}s") from None
    except OSError as exc:
        raise UvcredsError(f"{where}: cannot run {argv[0]}: {exc.strerror}") from None


def iso_timestamp(text: str) -> float | None:
    """An ISO 8601 time as a Unix time (`Z`, or no zone at all, meaning UTC), else None."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()
