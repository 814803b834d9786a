"""uv's side of the store route: where uv keeps its credential store, what is in it, and
`uv auth login` / `logout`, the only way uvcreds changes it.

uv (0.8.15 on) keeps `[[credential]]` entries (`service`, `username`, `password`) in
`credentials.toml` under `UV_CREDENTIALS_DIR`, else its state directory. It looks one up
for a request URL as `crates/uv-auth/src/store.rs` does: an entry whose service is in the
same realm (scheme, host, port) and whose path is a prefix of the request's by whole
segments; the longest such path wins, and two equally long ones (different usernames)
make uv send nothing. `login` and `logout` drop a trailing `simple` (`+simple`) segment.
The file is read here and never written: the secret goes to uv on stdin, never on argv.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.state import files
from uvcreds.state.digests import sha256_hex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

STORE_FILE = "credentials.toml"
NEEDED = "0.8.15"  # the first uv with `uv auth`


class NoAuth(UvcredsError):
    """This uv has no `uv auth`: nothing can be written, for any index."""


@dataclass(frozen=True)
class Entry:
    """One entry of uv's store, as uvcreds needs it: never the secret, only its digest."""

    service: str  # as uv wrote it
    url: urls.Url | None  # parsed (None: uv could not have written it; it matches nothing)
    username: str
    digest: str  # sha256 of the password (or bearer token)

    def key(self) -> tuple[str, str]:
        return (service_key(self.url) if self.url else self.service, self.username)


def token_digest(secret: str) -> str:
    return sha256_hex(secret.encode("utf-8", "surrogateescape"))


def service_key(url: urls.Url) -> str:
    """One spelling of a service: uv's `…/team` and `…/team/` are one path to uvcreds."""
    path = url.path[:-1] if url.path and url.path[-1] == "" else url.path
    return url.origin + "/" + "/".join(path)


def service_for(prefix: urls.Url) -> urls.Url:
    """What `uv auth login PREFIX` stores: PREFIX less a trailing `simple` segment."""
    return prefix.root()


def writable(service: urls.Url) -> str | None:
    """Why uv's login refuses this service, or None: plain http only for localhost."""
    if service.scheme == "https" or service.host in ("localhost", "127.0.0.1"):
        return None
    return f"uv keeps only https services in its store (and http on localhost), not {service}"


def store_file(environ: Mapping[str, str]) -> str:
    """uv's `credentials.toml`: `UV_CREDENTIALS_DIR`, else uv's state directory."""
    configured = environ.get("UV_CREDENTIALS_DIR")
    if configured:
        return os.path.join(configured, STORE_FILE)
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        data = environ.get("XDG_DATA_HOME", "").strip()
        home = environ.get("HOME") or os.path.expanduser("~")
        base = data if os.path.isabs(data) else os.path.join(home, ".local", "share")
        return os.path.join(base, "uv", "credentials", STORE_FILE)
    import platformdirs

    return os.path.join(
        platformdirs.user_data_dir("uv", appauthor=False), "data", "credentials", STORE_FILE
    )


def read(path: str) -> tuple[list[Entry], str | None]:
    """The entries of uv's store, and a warning when it cannot be read (then none: uv
    ignores the whole file too when one entry is invalid). No secret leaves this."""
    if not os.path.lexists(path):
        return [], None
    try:
        raw = files.read_bounded(path, "uv credential store")
    except (OSError, UvcredsError) as exc:
        return [], f"{path}: uv's credential store cannot be read ({exc}); it is left as it is"
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return [], f"{path}: uv's credential store does not parse; it is left as it is"
    entries: list[Entry] = []
    tables = document.get("credential", [])
    for table in tables if isinstance(tables, list) else []:
        if not isinstance(table, dict) or not isinstance(table.get("service"), str):
            continue
        secret = table.get("password", table.get("token", ""))
        username = table.get("username", "")
        try:
            url = urls.parse(table["service"])
        except urls.UrlError:
            url = None
        entries.append(
            Entry(
                table["service"],
                url,
                username if isinstance(username, str) else "",
                token_digest(secret if isinstance(secret, str) else ""),
            )
        )
    return entries, None


def lookup(entries: Sequence[Entry], url: urls.Url) -> list[Entry]:
    """The entries uv would choose from for a request to `url` with no username: the most
    specific ones by path (more than one: uv sends nothing)."""
    best: list[Entry] = []
    length = -1
    for entry in entries:
        service = entry.url
        if service is None or not service.covers(url):
            continue
        specificity = len("/".join(service.path))
        if specificity > length:
            best, length = [entry], specificity
        elif specificity == length:
            best.append(entry)
    return best


# --- uv's command line --------------------------------------------------------------------


def login(
    uv: str, service: urls.Url, username: str, secret: str, environ: Mapping[str, str]
) -> None:
    """`uv auth login SERVICE --username U --password -`, the secret on stdin."""
    _run(
        uv,
        ["auth", "login", str(service), "--username", username, "--password", "-"],
        secret,
        environ,
    )


def logout(uv: str, service: str, username: str, environ: Mapping[str, str]) -> None:
    """`uv auth logout SERVICE --username U`."""
    _run(uv, ["auth", "logout", service, "--username", username], None, environ)


def _run(uv: str, args: list[str], secret: str | None, environ: Mapping[str, str]) -> None:
    try:
        done = subprocess.run(
            [uv, *args],
            input=(secret or "").encode("utf-8", "surrogateescape"),
            capture_output=True,
            env=dict(environ),
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise UvcredsError(
            f"cannot run {uv!r}: not found; the store route needs uv {NEEDED} or later on PATH"
        ) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UvcredsError(f"cannot run `{uv} auth {args[1]}`: {exc}") from None
    if done.returncode == 0:
        return
    said = done.stderr.decode("utf-8", "replace")
    if "auth" in said and ("unrecognized subcommand" in said or "invalid value" in said):
        raise NoAuth(
            f"{_version(uv, environ)} has no `uv auth`; the store route needs uv {NEEDED} or later "
            "(or use the environment route: `uvcreds init SHELL` without --store)"
        )
    last = [line for line in said.splitlines() if line.strip()][-1:] or ["no message"]
    if secret:
        last = [line.replace(secret, "***") for line in last]
    raise UvcredsError(f"`uv auth {args[1]} {args[2]}` failed: {last[0].strip()}")


def _version(uv: str, environ: Mapping[str, str]) -> str:
    try:
        done = subprocess.run(
            [uv, "--version"], capture_output=True, env=dict(environ), timeout=30, check=False
        )
        return done.stdout.decode("utf-8", "replace").strip() or uv
    except (OSError, subprocess.TimeoutExpired):
        return uv


def find_uv(environ: Mapping[str, str], command: Sequence[str] = ()) -> str:
    """The uv to ask: the one `exec` runs (uvx's sibling uv), else `uv` on PATH."""
    import shutil

    path = environ.get("PATH")
    if command and os.path.basename(command[0]) in ("uv", "uvx", "uv.exe", "uvx.exe"):
        first = shutil.which(command[0], path=path)
        if first:
            beside = os.path.join(
                os.path.dirname(first), "uv" + (".exe" if first.endswith(".exe") else "")
            )
            if os.path.isfile(beside):
                return beside
    found = shutil.which("uv", path=path)
    if found is None:
        raise UvcredsError(f"no `uv` on PATH; the store route needs uv {NEEDED} or later")
    return found
