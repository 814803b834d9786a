"""Shared test helpers: isolated child environments, running uv and uvcreds, projects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import uv

# Variables dropped from the inherited environment: anything that could point a child at
# real credentials, real config, a real cache or the network.
_DROP_PREFIXES = (
    "AWS_",
    "GOOGLE_",
    "GCE_",
    "CLOUDSDK_",
    "AZURE_",
    "ARTIFACTS_",
    "VSS_",
    "NUGET_",
    "JFROG_",
    "UV_",
    "PIP_",
    "XDG_",
    "DIRENV_",
)
_DROP_NAMES = frozenset(
    {
        "SYSTEM_ACCESSTOKEN",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "NETRC",
        "NO_GCE_CHECK",
        "PYTHON_KEYRING_BACKEND",
        "APPDATA",
        "LOCALAPPDATA",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
    }
)
# google-auth probes the metadata server when it finds nothing else; send it to a closed
# loopback port so "no credentials" fails fast and never leaves the machine.
CLOSED_METADATA_HOST = "127.0.0.1:1"


def make_isolated_env(root: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for subprocesses whose every home, config and cache is under `root`.

    PATH (and locale, TERM...) come from `base` (default os.environ); every AWS_*,
    GOOGLE_*, GCE_*, CLOUDSDK_*, AZURE_*, UV_*, PIP_*, XDG_*, *UVCREDS* variable,
    SYSTEM_ACCESSTOKEN, VIRTUAL_ENV, NETRC and the proxies are removed; then set:
    HOME, XDG_{CONFIG,CACHE,DATA,STATE}_HOME, XDG_CONFIG_DIRS, UVCREDS_CACHE_DIR,
    UVCREDS_CONFIG (file not created), UV_CACHE_DIR, UV_PYTHON_DOWNLOADS=never,
    UV_PYTHON=<this interpreter>, NO_PROXY, AWS_EC2_METADATA_DISABLED=true and
    GCE_METADATA_HOST/IP = a closed loopback port (overlays replace these) with
    GCE_METADATA_DETECT_RETRIES=1, so google-auth finding nothing fails in well under 1 s.
    """
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not _dropped(k)}
    dirs = {
        "HOME": root / "home",
        "XDG_CONFIG_HOME": root / "home" / ".config",
        "XDG_CACHE_HOME": root / "home" / ".cache",
        "XDG_DATA_HOME": root / "home" / ".local" / "share",
        "XDG_STATE_HOME": root / "home" / ".local" / "state",
        "XDG_CONFIG_DIRS": root / "etc-xdg",
        "UVCREDS_CACHE_DIR": root / "uvcreds-cache",
        "UV_CACHE_DIR": root / "uv-cache",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["UVCREDS_CONFIG"] = str(root / "home" / ".config" / "uvcreds" / "config.toml")
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_PYTHON"] = sys.executable
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["GCE_METADATA_HOST"] = CLOSED_METADATA_HOST
    env["GCE_METADATA_IP"] = CLOSED_METADATA_HOST
    env["GCE_METADATA_DETECT_RETRIES"] = "1"  # one ping, no backoff sleeps
    return env


def _dropped(name: str) -> bool:
    upper = name.upper()
    return upper.startswith(_DROP_PREFIXES) or upper in _DROP_NAMES or "UVCREDS" in upper


def uv_bin() -> str:
    """The real uv executable installed in the test venv."""
    return str(uv.find_uv_bin())


def uvcreds_cmd() -> list[str]:
    """argv prefix that runs the uvcreds console script of the test venv."""
    return [str(Path(sys.executable).parent / "uvcreds")]


def run(
    cmd: Sequence[str],
    env: Mapping[str, str],
    cwd: Path | str | None = None,
    input: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` with exactly `env`, capturing text stdout/stderr; never raises on rc."""
    return subprocess.run(
        list(cmd),
        env=dict(env),
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_project(
    directory: Path,
    indexes: Sequence[tuple[str, str]],
    extra_toml: str = "",
    *,
    name: str = "consumer",
    dependencies: Sequence[str] = ("tinypkg",),
    default: bool = True,
    publish_urls: bool = False,
) -> Path:
    """Write `directory/pyproject.toml` with one `[[tool.uv.index]]` per (name, url).

    The last index gets `default = true` (so uv never falls back to PyPI) unless
    `default=False`. `publish_urls` adds `publish-url` = the URL minus a trailing
    `simple/`. `extra_toml` is appended verbatim. Returns the pyproject path.
    """
    lines = [
        "[project]",
        f"name = {toml_str(name)}",
        'version = "0.0.1"',
        'requires-python = ">=3.9"',
        f"dependencies = [{', '.join(toml_str(d) for d in dependencies)}]",
        "",
    ]
    for position, (index_name, url) in enumerate(indexes, start=1):
        lines += ["[[tool.uv.index]]", f"name = {toml_str(index_name)}", f"url = {toml_str(url)}"]
        if publish_urls and url.endswith("/simple/"):
            lines.append(f"publish-url = {toml_str(url[: -len('simple/')])}")
        if default and position == len(indexes):
            lines.append("default = true")
        lines.append("")
    directory.mkdir(parents=True, exist_ok=True)
    pyproject = directory / "pyproject.toml"
    pyproject.write_text("\n".join(lines) + ("\n" + extra_toml if extra_toml else ""))
    return pyproject


def uv_lock(
    project_dir: Path, env: Mapping[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Real `uv lock --no-cache` in `project_dir`, after deleting any uv.lock (so the index
    is always queried). rc 0 means uv could list and download from every index it needed."""
    (project_dir / "uv.lock").unlink(missing_ok=True)
    return run([uv_bin(), "lock", "--no-cache", *args], env, cwd=project_dir, timeout=timeout)


def uv_pip_install(
    target_dir: Path,
    env: Mapping[str, str],
    *,
    cwd: Path,
    packages: Sequence[str] = ("tinypkg",),
    index_url: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Real `uv pip install --target target_dir PACKAGES` run in `cwd`.

    In a project directory uv takes the indexes (and their UV_INDEX_<NAME>_* credentials)
    from its pyproject; `index_url` adds `--index-url`, which uv matches to a named index
    of that project by URL.
    """
    cmd = [uv_bin(), "pip", "install", "--no-cache", "--python", sys.executable]
    cmd += ["--target", str(target_dir)]
    if index_url is not None:
        cmd += ["--index-url", index_url]
    return run([*cmd, *packages], env, cwd=cwd, timeout=timeout)


def uv_publish(
    files: Sequence[Path],
    env: Mapping[str, str],
    *,
    cwd: Path,
    index: str | None = None,
    publish_url: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Real `uv publish --trusted-publishing never [--index NAME] [--publish-url URL] FILES`."""
    cmd = [uv_bin(), "publish", "--no-cache", "--trusted-publishing", "never"]
    if index is not None:
        cmd += ["--index", index]
    if publish_url is not None:
        cmd += ["--publish-url", publish_url]
    return run([*cmd, *(str(f) for f in files)], env, cwd=cwd, timeout=timeout)


def toml_str(value: str) -> str:
    """A TOML basic string for any text: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_user_config(env: Mapping[str, str], text: str) -> Path:
    """Write the user's own uvcreds config, at $UVCREDS_CONFIG; returns its path."""
    path = Path(env["UVCREDS_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def credential_table(
    url: str, settings: Mapping[str, object] | None = None, **keywords: object
) -> str:
    """One `[[credential]]` for the user's config: `settings` by their TOML keys, keywords
    with `_` for `-`; each value a string, a number, true or false, or a list of strings."""
    lines = ["[[credential]]", f"url = {toml_str(url)}"]
    merged = {**(settings or {}), **{k.replace("_", "-"): v for k, v in keywords.items()}}
    for key, value in merged.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(toml_str(str(v)) for v in value)}]")
        elif isinstance(value, (bool, int)):
            lines.append(f"{key} = {json.dumps(value)}")
        else:
            lines.append(f"{key} = {toml_str(str(value))}")
    return "\n".join(lines) + "\n"


def credential(
    url: str, password_env: str, *, provider: str = "env", username: str | None = None
) -> str:
    """A `[[credential]]` table binding the secret in `password_env` to a URL prefix."""
    named = {"username": username} if username is not None else {}
    return credential_table(url, {"provider": provider, **named, "password-env": password_env})
