"""`uvcreds export --format …`: the same variables for each consumer. Fast-path safe."""

from __future__ import annotations

import os

from uvcreds.argv import FORMAT_NAMES
from uvcreds.errors import UvcredsError
from uvcreds.routes.env.shells import SHELLS
from uvcreds.state import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def render(
    format_name: str,
    values: Mapping[str, str],
    environ: Mapping[str, str],
    watched: Sequence[str] = (),
) -> str:
    """The variables for one consumer; `watched`: every path the decision depended on (the
    direnv format has direnv watch them)."""
    if format_name == "sh":
        return SHELLS["bash"].render(values)
    if format_name == "direnv":
        return SHELLS["bash"].render(values) + direnv_watch(watched)
    if format_name in ("fish", "pwsh"):
        return SHELLS[format_name].render(values)
    if format_name == "dotenv":
        return "".join(f"{name}={dotenv_quote(value)}\n" for name, value in values.items())
    if format_name == "json":
        return fastjson.dumps(dict(values)) + "\n"
    if format_name == "github":
        return github(values, environ)
    raise UvcredsError(f"unknown format {format_name!r} (known: {', '.join(FORMAT_NAMES)})")


def direnv_watch(paths: Sequence[str]) -> str:
    """One `watch_file` (one `direnv watch` process, not one per path) naming every path,
    one per line: files and the directories whose listing decides members, existing or not
    yet, so direnv reloads exactly when uvcreds' own hook would run again."""
    if not paths:
        return ""
    from uvcreds.routes.env.shells.bash import quote

    return "watch_file" + "".join(f" \\\n  {quote(path)}" for path in paths) + "\n"


def warnings(format_name: str, values: Mapping[str, str]) -> list[str]:
    """What a consumer of this format may read differently from what was written."""
    if format_name != "dotenv":
        return []
    return [
        f"{name} contains '${{', which dotenv readers that interpolate (python-dotenv by "
        "default) will expand; read the file with interpolation off"
        for name, value in values.items()
        if "${" in value
    ]


def dotenv_quote(value: str) -> str:
    """Single quotes as python-dotenv reads them: never interpolated; only \\\\ and \\' escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def github(values: Mapping[str, str], environ: Mapping[str, str]) -> str:
    """Append the variables to $GITHUB_ENV; return the commands that mask each secret."""
    env_file = environ.get("GITHUB_ENV")
    if not env_file:
        raise UvcredsError(
            "--format github: GITHUB_ENV is not set; run this in a GitHub Actions step"
        )
    masks: list[str] = []
    entries: list[str] = []
    for name, value in values.items():
        if name.endswith("_PASSWORD"):
            masks.extend(f"::add-mask::{_command_escape(line)}\n" for line in value.splitlines())
        delimiter = f"UVCREDS_{os.urandom(12).hex()}"
        entries.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    with open(env_file, "a", encoding="utf-8", errors="surrogateescape") as stream:
        stream.write("".join(entries))
    return "".join(masks)


def _command_escape(data: str) -> str:
    """Workflow-command data escaping, as @actions/core does it."""
    return data.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
