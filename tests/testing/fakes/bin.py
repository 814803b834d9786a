"""Fake vendor executables (`az`, `gcloud`, `CredentialProvider.Microsoft`, `keyring`) and a
counting wrapper around a real program, written into a directory the test puts first on PATH.

Every fake is a small Python script run by this interpreter (absolute shebang). At each call
it appends `{"argv", "cwd", "pid", "time"}` as a JSON line to its log, then answers from its
state file, which the test may rewrite at any time: the first response whose `match` strings
all occur in argv wins, else the fallback (a usage error, rc 2).
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
AZ_NOT_LOGGED_IN = "ERROR: Please run 'az login' to setup account.\n"
GCLOUD_NOT_LOGGED_IN = (
    "ERROR: (gcloud.config.config-helper) You do not currently have an active account "
    "selected.\nPlease run:\n\n  $ gcloud auth login\n\nto obtain new credentials.\n\n"
    "If you have already logged in with a different account, run:\n\n"
    "  $ gcloud config set account ACCOUNT\n\nto select an already authenticated account "
    "to use.\n"
)
CREDPROVIDER_NAME = "CredentialProvider.Microsoft"

_SCRIPT = """\
#!{python} -IS
import json, os, sys, time
args = sys.argv[1:]
with open({log!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps({{"argv": args, "cwd": os.getcwd(), "pid": os.getpid(),
                        "time": time.time()}}) + "\\n")
with open({state!r}, encoding="utf-8") as f:
    state = json.load(f)
for r in state["responses"]:
    if all(m in args for m in r["match"]):
        break
else:
    r = state["fallback"]
time.sleep(state["delay"] + r.get("delay", 0))
sys.stdout.write(r["stdout"])
sys.stdout.flush()
sys.stderr.write(r["stderr"])
sys.exit(r["returncode"])
"""

_WRAPPER = """\
#!/bin/sh
if [ "$#" -eq 0 ]; then rec=''; else rec=$(printf '%s\\037' "$@"); fi
printf '%s\\036\\n' "$rec" >> {log}
exec {real} "$@"
"""


def response(
    stdout: str = "", stderr: str = "", returncode: int = 0, *, delay: float = 0.0
) -> dict[str, Any]:
    """One canned answer, for `FakeExe.set_responses`."""
    return {"stdout": stdout, "stderr": stderr, "returncode": returncode, "delay": delay}


class FakeExe:
    """A fake program `bin_dir/name`: logs each call, answers from its state file."""

    def __init__(self, bin_dir: Path, name: str) -> None:
        self.name = name
        self.path = bin_dir / name
        meta = bin_dir / ".fakes"
        meta.mkdir(parents=True, exist_ok=True)
        self.log_path = meta / f"{name}.calls.jsonl"
        self.state_path = meta / f"{name}.state.json"
        self.log_path.touch()
        self._delay = 0.0
        self._responses: list[dict[str, Any]] = []
        self._fallback = response(stderr=f"fake {name}: unexpected arguments\n", returncode=2)
        self._save_state()
        python = sys.executable
        if " " in python:
            raise RuntimeError(f"interpreter path with a space can't be a shebang: {python}")
        script = _SCRIPT.format(python=python, log=str(self.log_path), state=str(self.state_path))
        _write_executable(self.path, script)

    def set_responses(
        self, responses: Sequence[tuple[Sequence[str], dict[str, Any]]], *, fallback: dict[str, Any]
    ) -> None:
        """Replace the answers: (match strings, response(...)) pairs and the fallback."""
        self._responses = [{"match": list(m), **r} for m, r in responses]
        self._fallback = fallback
        self._save_state()

    @property
    def delay(self) -> float:
        """Seconds every call sleeps before answering (takes effect at once)."""
        return self._delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._delay = seconds
        self._save_state()

    def _save_state(self) -> None:
        state = {"responses": self._responses, "fallback": self._fallback, "delay": self._delay}
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.state_path)

    def invocations(self) -> list[dict[str, Any]]:
        """Every call so far: {"argv": [...], "cwd", "pid", "time"}."""
        return read_json_lines(self.log_path)

    def calls(self) -> list[list[str]]:
        """argv (without the program name) of every call so far."""
        return [list(i["argv"]) for i in self.invocations()]

    @property
    def call_count(self) -> int:
        return len(self.invocations())

    def clear_calls(self) -> None:
        self.log_path.write_text("")


class FakeAz(FakeExe):
    """`az`: answers `account get-access-token ...` (logged in by default, 1 h token)."""

    def __init__(self, bin_dir: Path, name: str = "az") -> None:
        super().__init__(bin_dir, name)
        self.logged_in("az-entra-token-1")

    def logged_in(
        self,
        token: str,
        *,
        expires_in: float = 3600,
        subscription: str = "00000000-0000-0000-0000-000000000001",
        tenant: str = "00000000-0000-0000-0000-0000000000aa",
    ) -> None:
        """Answer with `token`, expiring `expires_in` seconds from now (fixed at this call)."""
        expires_on = int(time.time() + expires_in)
        body = {
            "accessToken": token,
            "expiresOn": datetime.fromtimestamp(expires_on).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "expires_on": expires_on,
            "subscription": subscription,
            "tenant": tenant,
            "tokenType": "Bearer",
        }
        self.set_responses(
            [(_AZ_MATCH, response(json.dumps(body, indent=2) + "\n"))], fallback=_AZ_USAGE
        )

    def logged_out(self) -> None:
        """Answer like the real az before `az login`: rc 1, the 'Please run az login' line."""
        self.fail(AZ_NOT_LOGGED_IN, returncode=1)

    def fail(self, stderr: str, *, returncode: int = 1) -> None:
        self.set_responses(
            [(_AZ_MATCH, response(stderr=stderr, returncode=returncode))], fallback=_AZ_USAGE
        )


_AZ_MATCH = ("account", "get-access-token")
_AZ_USAGE = response(stderr="ERROR: 'az' fake: unsupported command\n", returncode=2)


class FakeGcloud(FakeExe):
    """`gcloud`: answers `config config-helper --format=json(credential)` (logged in)."""

    def __init__(self, bin_dir: Path, name: str = "gcloud") -> None:
        super().__init__(bin_dir, name)
        self.logged_in("ya29.gcloud-token-1")

    def logged_in(self, token: str, *, expires_in: float = 3600) -> None:
        expiry = datetime.fromtimestamp(time.time() + expires_in, tz=timezone.utc)
        body = {
            "credential": {
                "access_token": token,
                "token_expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        }
        self.set_responses(
            [(_GCLOUD_MATCH, response(json.dumps(body, indent=2) + "\n"))], fallback=_GCLOUD_USAGE
        )

    def logged_out(self) -> None:
        self.fail(GCLOUD_NOT_LOGGED_IN, returncode=1)

    def fail(self, stderr: str, *, returncode: int = 1) -> None:
        answer = response(stderr=stderr, returncode=returncode)
        self.set_responses([(_GCLOUD_MATCH, answer)], fallback=_GCLOUD_USAGE)


_GCLOUD_MATCH = ("config", "config-helper")
_GCLOUD_USAGE = response(stderr="ERROR: (gcloud) fake: unsupported command\n", returncode=2)


class FakeCredProvider(FakeExe):
    """`CredentialProvider.Microsoft` (stand-alone Azure Artifacts credential provider).

    Matches the `-U`/`-Uri` URL exactly, like the real one's external endpoints. With
    `-F Json` prints `{"Username": ..., "Password": ...}` on stdout; otherwise the
    HumanReadable lines. An unknown URL: rc 2, nothing on stdout, an `[Error]` on stderr.
    """

    def __init__(self, bin_dir: Path, name: str = CREDPROVIDER_NAME) -> None:
        super().__init__(bin_dir, name)
        self.endpoints: dict[str, tuple[str, str]] = {}
        self._save()

    def set_endpoint(self, url: str, password: str, *, username: str = "VssSessionToken") -> None:
        """Answer `password` (and `username`) for exactly this URL."""
        self.endpoints[url] = (username, password)
        self._save()

    def clear(self) -> None:
        self.endpoints.clear()
        self._save()

    def _save(self) -> None:
        pairs: list[tuple[Sequence[str], dict[str, Any]]] = []
        for url, (user, password) in self.endpoints.items():
            as_json = json.dumps({"Username": user, "Password": password}, separators=(",", ":"))
            as_json += "\n"
            human = (
                f"[Information] [CredentialProvider]Username: {user}\n"
                f"[Information] [CredentialProvider]Password: {password}\n"
            )
            pairs.append(((url, "Json"), response(as_json)))
            pairs.append(((url,), response(human)))
        failure = response(
            stderr="[Error] [CredentialProvider]Failed to acquire session token: "
            "No credentials for this URI were found (fake)\n",
            returncode=2,
        )
        self.set_responses(pairs, fallback=failure)


class FakeKeyring(FakeExe):
    """The `keyring` CLI as uv's subprocess provider calls it: `keyring get SERVICE USER`."""

    def __init__(self, bin_dir: Path, name: str = "keyring") -> None:
        super().__init__(bin_dir, name)
        self.passwords: dict[tuple[str, str], str] = {}
        self._save()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password
        self._save()

    def _save(self) -> None:
        pairs: list[tuple[Sequence[str], dict[str, Any]]] = [
            (("get", service, user), response(password + "\n"))
            for (service, user), password in self.passwords.items()
        ]
        self.set_responses(pairs, fallback=response(returncode=1))


class CountingWrapper:
    """`bin_dir/name`: a /bin/sh script that logs its argv, then execs `real`."""

    def __init__(self, bin_dir: Path, real: Path | str, name: str | None = None) -> None:
        real_path = Path(real)
        self.name = name or real_path.name
        self.path = bin_dir / self.name
        meta = bin_dir / ".fakes"
        meta.mkdir(parents=True, exist_ok=True)
        self.log_path = meta / f"{self.name}.calls.log"
        self.log_path.touch()
        script = _WRAPPER.format(log=shlex.quote(str(self.log_path)), real=shlex.quote(str(real)))
        _write_executable(self.path, script)

    def calls(self) -> list[list[str]]:
        """argv (without the program name) of every call so far."""
        text = self.log_path.read_bytes().decode("utf-8", "surrogateescape")
        records = text.split("\x1e\n")[:-1]
        return [record.split("\x1f")[:-1] for record in records]

    @property
    def call_count(self) -> int:
        return len(self.calls())

    def clear_calls(self) -> None:
        self.log_path.write_text("")


class FakeBinDir:
    """A directory for fake programs; put it first on a child's PATH with `env()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    def az(self) -> FakeAz:
        return FakeAz(self.path)

    def gcloud(self) -> FakeGcloud:
        return FakeGcloud(self.path)

    def credprovider(self, name: str = CREDPROVIDER_NAME) -> FakeCredProvider:
        return FakeCredProvider(self.path, name)

    def keyring(self) -> FakeKeyring:
        return FakeKeyring(self.path)

    def counting_wrapper(self, real: Path | str, name: str | None = None) -> CountingWrapper:
        return CountingWrapper(self.path, real, name)

    def env(self, base: Mapping[str, str]) -> dict[str, str]:
        """A copy of `base` with this directory first on PATH."""
        path = base.get("PATH", "")
        return {**base, "PATH": f"{self.path}{os.pathsep}{path}" if path else str(self.path)}


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON objects in a log file, one a line (a torn last line is skipped)."""
    out: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def _write_executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
