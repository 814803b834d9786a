"""The command line: parse, call one core function, print. See DESIGN.md for the contract."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from uvcreds import __version__, cache, commands, credentials, execute, paths, trust
from uvcreds import debug as debug_output
from uvcreds.config import discover
from uvcreds.errors import UvcredsError, printable
from uvcreds.formats import FORMATS
from uvcreds.shells import SHELLS

_warn = commands.warn
_out = commands.write


class _Group(click.Group):
    """Shows a UvcredsError as one `uvcreds: …` line with exit status 1, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UvcredsError as exc:
            _warn(str(exc))
            ctx.exit(1)


def _collect(**kwargs: Any) -> credentials.Result:
    return credentials.collect(Path.cwd(), os.environ, warn=_warn, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="uvcreds")
@click.option("--debug", is_flag=True, help="Say on stderr what is read and decided (no secrets).")
def cli(debug: bool) -> None:
    """Short-lived credentials for private package indexes, exported for uv."""
    debug_output.enabled = debug


@cli.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMATS),
    default="sh",
    help="sh also suits bash, zsh and direnv's .envrc.",
)
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
def export(format_name: str, publish: str | None) -> None:
    """Print every credential variable for the project here."""
    out, status = commands.export(format_name, publish, os.environ, _warn)
    _out(out)
    sys.exit(status)


@cli.command("hook")
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
def hook_command(shell: str, publish: str | None) -> None:
    """For the shell snippets: the change against what this shell already has."""
    _out(commands.hook_change(shell, publish, os.environ, _warn))


@cli.command()
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
def init(shell: str) -> None:
    """Print the snippet to eval in the shell's rc file."""
    _out(SHELLS[shell].hook(_executable()))


def _executable() -> str:
    """This uvcreds' absolute path, for the snippet to call. Symlinks are kept: a tool
    manager's link (~/.local/bin/uvcreds) outlives the versioned path it points at."""
    script = Path(sys.argv[0])
    if script.name.startswith("uvcreds") and script.is_file():
        return os.path.abspath(script)
    beside = Path(sys.executable).parent / "uvcreds"
    found = str(beside) if beside.is_file() else shutil.which("uvcreds")
    if not found:
        raise UvcredsError("cannot find the uvcreds executable; install it on PATH")
    return found


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per index, in a list.")
def status(as_json: bool) -> None:
    """Each index: where it is defined, provider, variables, token and trust state."""
    rows, problems = credentials.status(Path.cwd(), os.environ)
    for message in problems:
        _warn(message)
    if as_json:
        _out(json.dumps(rows, indent=2) + "\n")
        return
    if not rows:
        _out("no named indexes here\n")
    for row in rows:
        shown = {key: printable(str(value)) for key, value in row.items()}
        _out(
            f"{shown['name']}  {shown['url']}\n"
            f"  defined in: {shown['source']}\n"
            f"  provider:   {row['provider'] or 'none (no credentials needed)'}\n"
            f"  variables:  {shown['username_var']} {shown['password_var']}\n"
            f"  token:      {shown['token']}\n"
            f"  settings:   {shown['settings']} ({shown['trust']})\n"
        )


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--due", is_flag=True, hidden=True, help="Only tokens still due (background use).")
def refresh(names: Sequence[str], due: bool) -> None:
    """Get new tokens now, ignoring the cache."""
    mode = credentials.DUE if due else credentials.FORCE
    result = _collect(refresh=mode, names=set(names) if names else None)
    _check_names(result, names)
    for message in result.messages():
        _warn(message)
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Forget every cached token.")
def logout(names: Sequence[str], everything: bool) -> None:
    """Forget cached tokens (this project's, or NAMEs, or --all)."""
    keys = None if everything else credentials.cache_keys(Path.cwd(), os.environ, set(names))
    for name in cache.forget(paths.cache_dir(os.environ), keys):
        _warn(f"forgot the token for index {name!r}")


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def allow(directory: Path | None) -> None:
    """Trust this project's own uvcreds settings, as they are now."""
    for path in _project_files(directory):
        trust.allow(path, os.environ)
        _warn(f"allowed {path}")


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def deny(directory: Path | None) -> None:
    """Distrust this project's own uvcreds settings, even after edits."""
    for path in _project_files(directory):
        trust.deny(path, os.environ)
        _warn(f"denied {path}")


def _project_files(directory: Path | None) -> list[Path]:
    start = (directory or Path.cwd()).resolve()
    files = discover(start, os.environ).project_files
    if not files:
        raise UvcredsError(f"{start}: no pyproject.toml with [tool.uv] here or above")
    return files


@cli.command("exec", context_settings={"ignore_unknown_options": True})
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(publish: str | None, command: Sequence[str]) -> None:
    """Run COMMAND with the credentials in its environment; exit as it does."""
    result = _collect()
    values = result.variables()
    if publish:
        values.update(result.publish_variables(publish, os.environ))
    for message in result.messages():
        _warn(message)
    status = execute.run(command, {**os.environ, **values})
    if status != 0 and publish:
        _warn(
            f"{command[0]} exited with {status} while publishing to index {publish!r}; if the "
            "index refused the credential, check that it may upload (`uvcreds status`) or "
            f"get a new one (`uvcreds refresh {publish}`)"
        )
    sys.exit(execute.die_like(status))


def _check_names(result: credentials.Result, names: Sequence[str]) -> None:
    known = {o.index.name for o in result.outcomes}
    for name in names:
        if name not in known:
            raise UvcredsError(
                f"no index named {name!r} here (found: {', '.join(sorted(known)) or 'none'})"
            )


def main() -> int:
    cli.main(prog_name="uvcreds")
    return 0
