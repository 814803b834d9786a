"""Azure Artifacts: a PAT, an Entra token from the Azure CLI, or the credential provider's.

Tried in this order, the first that gives a token wins:
1. A PAT in the variable the settings name (`token-env`), from the environment or the
   project's `.env`.
2. For Azure hosts only (`pkgs.dev.azure.com/<org>/…`, `<org>.pkgs.visualstudio.com`):
   a PAT in the environment variable `SYSTEM_ACCESSTOKEN` (Azure Pipelines), then in
   `AZURE_DEVOPS_EXT_PAT` (the azure-devops CLI extension's). A PAT is the user's own
   secret: it is read fresh each time and never written to the cache.
3. `az account get-access-token --resource <Azure DevOps>`: an Entra token (about an hour).
   Like a PAT, it goes as the password with the username from `username`, else `uvcreds`.
4. The Azure Artifacts credential provider, `$ARTIFACTS_KEYRING_CREDENTIALPROVIDER_PATH`
   (artifacts-keyring's variable) or `CredentialProvider.Microsoft` on PATH, run
   non-interactively: its username (`VssSessionToken`) and session token. That token
   counts as lasting until its own `exp` when it is a JWT, else one hour (the provider's
   default is 4 hours; it keeps its own cache, so asking again is cheap).
"""

from __future__ import annotations

import re
import time

from uvcreds.errors import UvcredsError
from uvcreds.model import USER_SECRET, VENDOR_VARIABLE, Credential, Index
from uvcreds.providers.base import RENEW_TOKEN, HeldIn, Settings, find_program, run_program
from uvcreds.urls import Url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEYS = frozenset({"token-env", "username"})
SENSITIVE = frozenset({"token-env"})
# Never a variable holding a PAT: the cache key is made of these.
IDENTITY_ENV: tuple[str, ...] = ("AZURE_CONFIG_DIR", "ARTIFACTS_KEYRING_CREDENTIALPROVIDER_PATH")

DEV_HOST = "pkgs.dev.azure.com"
DEV_PATH = re.compile(
    r"^/(?P<org>[^/_][^/]*)(?:/(?P<project>[^/_][^/]*))?"
    r"/_packaging/(?P<feed>[^/@]+)(?:@(?P<view>[^/]+))?/pypi/(?:simple|upload)(?:/|$)"
)
VS_HOST = re.compile(r"^(?P<org>[a-z0-9][a-z0-9-]*)\.pkgs\.visualstudio\.com$")
VS_PATH = re.compile(
    r"^(?:/(?P<project>[^/_][^/]*))?"
    r"/_packaging/(?P<feed>[^/@]+)(?:@(?P<view>[^/]+))?/pypi/(?:simple|upload)(?:/|$)"
)
DEFAULT_PAT_VARIABLES = ("SYSTEM_ACCESSTOKEN", "AZURE_DEVOPS_EXT_PAT")
SECRET_ENV: tuple[str, ...] = DEFAULT_PAT_VARIABLES
VENDOR: str | None = "Azure Artifacts"
MADE_BY = (
    "token minted by azure with your Azure login (az, else the Azure Artifacts credential provider)"
)
REFUSED = "the token"
RENEW = RENEW_TOKEN
NOT_FOUND_IS_REFUSED = True
AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
CREDPROVIDER = "CredentialProvider.Microsoft"
CREDPROVIDER_PATH_ENV = "ARTIFACTS_KEYRING_CREDENTIALPROVIDER_PATH"
CREDPROVIDER_LIFETIME = 3600.0
DEFAULT_USERNAME = "uvcreds"


def matches(url: Url) -> bool:
    if url.scheme != "https":
        return False
    path = "/" + "/".join(url.path)
    if url.host == DEV_HOST:
        return DEV_PATH.match(path) is not None
    return VS_HOST.match(url.host) is not None and VS_PATH.match(path) is not None


def resource(url: Url) -> str | None:
    """The organization: a token for it may go to any of its feeds, on either host."""
    if not matches(url):
        return None
    path = "/" + "/".join(url.path)
    found = DEV_PATH.match(path) if url.host == DEV_HOST else VS_HOST.match(url.host)
    return f"azure:{found['org'].lower()}" if found else None


def _is_azure(index: Index) -> bool:
    return index.target is not None and matches(index.target)


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    """A PAT is read from its variable each time, never cached; otherwise the token is."""
    found = _pat_variable(index, settings)
    username = settings.text("username") or DEFAULT_USERNAME
    return HeldIn(found[0], None, username) if found else None


def username_problem(username: str) -> str | None:
    if username:
        return None  # any goes with a PAT
    return (
        "Azure Artifacts needs a username (any with a PAT, 'VssSessionToken' with the "
        "credential provider's token), not an empty one"
    )


def fetch(index: Index, settings: Settings) -> Credential:
    where = f"index {index.name!r}"
    username = settings.text("username") or DEFAULT_USERNAME
    found = _pat_variable(index, settings)
    if found is not None:
        variable, origin = found
        pat = settings.secret(variable)
        if pat:
            return Credential(username, pat, origin=origin)  # no expires_at: never cached
    az = find_program("az", settings)
    provider = _credential_provider(settings)
    if az is None and provider is None:
        raise UvcredsError(f"{where}: no Azure DevOps credentials; {_ways(index, settings)}")
    if az is not None:
        try:
            return _from_az(az, username, where, settings)
        except UvcredsError:
            if provider is None:
                raise
    assert provider is not None
    return _from_credential_provider(provider, index, where, settings)


def _pat_variable(index: Index, settings: Settings) -> tuple[str, str] | None:
    """The variable holding a PAT and where that PAT may go: the named one (environment,
    else .env: the user's secret); else, for Azure's own hosts, the vendor's defaults
    (environment only)."""
    named = settings.text("token-env")
    if named and settings.secret(named):
        return named, USER_SECRET
    if not _is_azure(index):
        return None
    read = getattr(settings.environ, "secret", settings.environ.get)
    default = next((v for v in DEFAULT_PAT_VARIABLES if read(v)), None)
    return (default, VENDOR_VARIABLE) if default else None


def _ways(index: Index, settings: Settings) -> str:
    named = settings.text("token-env")
    if named:
        pat = f"set {named} (named in {settings.origin})"
    elif _is_azure(index):
        pat = "set SYSTEM_ACCESSTOKEN or AZURE_DEVOPS_EXT_PAT to a PAT"
    else:
        pat = f'name a PAT variable with token-env = "VARIABLE" in {settings.origin}'
    return f"{pat}, run `az login`, or install the Azure Artifacts credential provider"


def _from_az(az: str, username: str, where: str, settings: Settings) -> Credential:
    argv = [az, "account", "get-access-token", "--output", "json"]
    done = run_program([*argv, "--resource", AZURE_DEVOPS_RESOURCE], settings, where)
    if done.returncode != 0:
        if "az login" in done.stderr:
            raise UvcredsError(f"{where}: the Azure CLI is not logged in; run `az login`")
        raise UvcredsError(
            f"{where}: `az account get-access-token` failed (exit {done.returncode})"
            f"{_first_error(done.stderr)}; run `az login`"
        )
    try:
        answer: Any = _json_object(done.stdout)
        token, expires_at = answer["accessToken"], _az_expiry(answer)
    except (ValueError, KeyError, TypeError):
        raise UvcredsError(f"{where}: `az account get-access-token` printed no token") from None
    return Credential(username, str(token), expires_at)


def _az_expiry(answer: dict[str, Any]) -> float:
    """`expires_on` (epoch seconds, newer CLIs), else `expiresOn` (naive *local* time)."""
    from datetime import datetime

    if answer.get("expires_on") is not None:
        return float(answer["expires_on"])
    text = str(answer["expiresOn"])
    for layout in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, layout).timestamp()
        except ValueError:
            continue
    raise ValueError(f"unknown expiresOn {text!r}")


def _credential_provider(settings: Settings) -> str | None:
    return settings.environ.get(CREDPROVIDER_PATH_ENV) or find_program(CREDPROVIDER, settings)


def _from_credential_provider(exe: str, index: Index, where: str, settings: Settings) -> Credential:
    url = index.display_url
    # The URL without its userinfo: argv is visible to every user (ps).
    done = run_program([exe, "-U", url, "-N", "true", "-F", "Json"], settings, where)
    if done.returncode != 0:
        raise UvcredsError(
            f"{where}: the Azure Artifacts credential provider has no credentials for {url} "
            f"(exit {done.returncode}); run `az login`, or sign in once with "
            f"`{CREDPROVIDER} -U {url}`"
        )
    try:
        answer: Any = _json_object(done.stdout)
        username, password = answer.get("Username") or "VssSessionToken", answer["Password"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UvcredsError(
            f"{where}: the Azure Artifacts credential provider printed no token"
        ) from None
    return Credential(str(username), str(password), _jwt_expiry(str(password)))


def _json_object(stdout: str) -> Any:
    """The JSON object a program printed: the whole output, or its last `{…}` line."""
    import json

    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    try:
        return json.loads(stdout)
    except ValueError:
        if not lines:
            raise
        return json.loads(lines[-1])


def _jwt_expiry(token: str) -> float:
    """A self-describing session token's `exp` (unverified: only to know when to ask again)."""
    import base64
    import json

    fallback = time.time() + CREDPROVIDER_LIFETIME
    parts = token.split(".")
    if len(parts) != 3:
        return fallback
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        expiry = float(claims["exp"])
    except (ValueError, KeyError, TypeError):
        return fallback
    return expiry


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    line = " ".join(lines[0].split())
    return f": {line if len(line) <= 200 else line[:199] + '…'}"
