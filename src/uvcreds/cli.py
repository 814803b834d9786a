"""The command line: parse, call one core function, print. See DESIGN.md for the contract."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from uvcreds import __version__
from uvcreds import debug as debug_output
from uvcreds.argv import FORMAT_NAMES, KeyringGet
from uvcreds.commands import execute
from uvcreds.commands import plain as commands
from uvcreds.commands import status as status_command
from uvcreds.errors import UvcredsError, say
from uvcreds.pipeline import decide, obtain, resolve
from uvcreds.routes import store as store_route
from uvcreds.routes.env.shells import SHELLS
from uvcreds.state import cache, trust
from uvcreds.state.paths import Locations
from uvcreds.uv.discovery import discover
from uvcreds.uv.found import Discovery

_warn = say
_out = commands.write


class _Group(click.Group):
    """Shows a UvcredsError as one `uvcreds: …` line with its exit status, no traceback;
    takes `--debug` before or after the command (not after `--`, which is exec's command's)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            debug_output.enabled = True
            args = [a for i, a in enumerate(args) if i >= end or a != "--debug"]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UvcredsError as exc:
            _warn(str(exc))
            ctx.exit(exc.status)
        except KeyboardInterrupt:  # not click's "Aborted!": one line, the shell's status
            _warn("interrupted")
            ctx.exit(130)


def _collect(script: Path | None = None, **kwargs: Any) -> decide.Result:
    return resolve.collect(
        Path.cwd(), os.environ, Locations(os.environ), script=script, warn=_warn, **kwargs
    )


_keyring_option = click.option(
    "--keyring",
    is_flag=True,
    help="Secret-free: usernames and uvcreds as uv's keyring, no password in the environment.",
)
_store_option = click.option(
    "--store",
    is_flag=True,
    help="Keep uv's own credential store (uv auth, uv 0.8.15+) fresh; no variable is set.",
)
_script_option = click.option(
    "--script",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A PEP 723 script: its own indexes too, as `uv run SCRIPT` reads them.",
)


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, "-V", "--version", prog_name="uvcreds")
@click.option(
    "--debug",
    is_flag=True,
    help="Say on stderr what is read and decided, never a secret (also after the command).",
)
def cli(debug: bool) -> None:
    """Short-lived credentials for private package indexes, for uv.

    uvcreds reads the project's indexes as uv does, gets each token from its vendor with
    the login you have, caches it, and hands it to uv: as exports (export, exec, the shell
    hooks) or, secret-free, as the keyring uv asks at request time (--keyring).
    """
    debug_output.enabled = debug_output.enabled or debug


@cli.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMAT_NAMES),
    default="sh",
    help="sh also suits bash and zsh; direnv is sh plus watch_file for .envrc.",
)
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
@_script_option
def export(format_name: str, publish: str | None, script: Path | None) -> None:
    """Print every credential variable for the project here."""
    out, status = commands.export(format_name, publish, os.environ, _warn, script)
    _out(out)
    sys.exit(status)


@cli.command("hook")
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
@_keyring_option
@_store_option
def hook_command(shell: str, publish: str | None, keyring: bool, store: bool) -> None:
    """For the shell snippets: what changes in this shell.

    Prints only the change against what this shell has: exports for the project here,
    unsets or restores of what it set before (with --store: renews uv's store entries and
    sets no variable). Always exits 0; a problem is said once.
    """
    _one_route(keyring, store)
    _out(commands.hook_change(shell, publish, os.environ, _warn, keyring=keyring, store=store))


def _one_route(keyring: bool, store: bool) -> None:
    if keyring and store:
        raise click.UsageError("--keyring and --store are two routes; choose one")


@cli.command()
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
@_keyring_option
@_store_option
def init(shell: str, keyring: bool, store: bool) -> None:
    """Print the snippet to eval in the shell's rc file."""
    _one_route(keyring, store)
    _out(SHELLS[shell].hook(_executable(), keyring=keyring, store=store))


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
@_script_option
def status(as_json: bool, script: Path | None) -> None:
    """Each index: definition, provider, variables, token, trust.

    Never fetches anything and never prints a secret; exits 1 when it shows an error.
    """
    rows, problems = status_command.rows(Path.cwd(), os.environ, script)
    for problem in problems:
        _warn(problem.message)
    if as_json:
        _out(json.dumps(rows, indent=2) + "\n")
    elif not rows:
        _out("no named indexes here\n")
    for row in rows if not as_json else ():
        _out(status_command.text(row))
    if any(p.is_error for p in problems) or any(row["problem"] for row in rows):
        sys.exit(1)


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--due", is_flag=True, hidden=True, help="Only tokens still due (background use).")
@_script_option
def refresh(names: Sequence[str], due: bool, script: Path | None) -> None:
    """Get new tokens now, ignoring the cache."""
    mode = obtain.DUE if due else obtain.FORCE
    result = _collect(script, refresh=mode, names=set(names) if names else None)
    _check_names(result, names)
    renewed, _ = store_route.keep(result, os.environ, Locations(os.environ), only_own=True)
    for message in [*result.messages(), *renewed]:
        _warn(message)
    if not result.ok:
        sys.exit(1)
    if not due:
        fetched = [d.chosen.index.name for d in result.decisions if d.key and d.chosen]
        wanted = [n for n in fetched if not names or n in names]
        _warn(f"refreshed {_tokens_of(wanted)}" if wanted else "no token to refresh here")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Forget every cached token.")
def logout(names: Sequence[str], everything: bool) -> None:
    """Forget cached tokens (this project's, or NAMEs, or --all).

    Also removes the entries uvcreds wrote into uv's credential store for them, and never
    one it did not write."""
    locations = Locations(os.environ)
    keys = None
    services = None
    if not everything:
        result, _ = resolve.plan_decisions(Path.cwd(), os.environ, locations)
        _check_names(result, names)
        chosen = [
            d
            for d in result.decisions
            if not names or any(r.index.name in names for r in d.indexes)
        ]
        services = store_route.services_of(dataclasses.replace(result, decisions=chosen))
        keys = {
            obtain.cache_key(d.chosen)
            for d in result.decisions
            if d.chosen is not None
            and d.held_in is None
            and d.chosen.problem is None
            and (not names or any(r.index.name in names for r in d.indexes))
        }
    forgotten = cache.forget(locations.cache_dir, keys)
    _warn(f"forgot {_tokens_of(forgotten)}" if forgotten else "no cached token to forget")
    removed, messages = store_route.logout(os.environ, locations, services)
    for message in messages:
        _warn(message)
    if removed:
        _warn(f"removed uvcreds' entries from uv's credential store: {', '.join(removed)}")


def _tokens_of(names: Sequence[str]) -> str:
    """`the token of index 'a'`; `2 tokens, of indexes 'a', 'b'`."""
    distinct = sorted(set(names))
    quoted = ", ".join(repr(name) for name in distinct)
    of = f"index {quoted}" if len(distinct) == 1 else f"indexes {quoted}"
    return f"the token of {of}" if len(names) == 1 else f"{len(names)} tokens, of {of}"


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def allow(directory: Path | None) -> None:
    """Trust this project's own uvcreds settings, as they are now."""
    _record_trust(directory, trust.allow, "allowed")


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def deny(directory: Path | None) -> None:
    """Distrust this project's own uvcreds settings, even after edits."""
    _record_trust(directory, trust.deny, "denied")


def _record_trust(
    directory: Path | None, record: Callable[[Discovery, str], None], done: str
) -> None:
    start = Path(os.path.abspath(directory)) if directory else Path.cwd()
    discovery = discover(start, os.environ)
    if not discovery.project_reads:
        raise UvcredsError(f"{start}: no project files here or above (pyproject.toml, uv.toml)")
    record(discovery, Locations(os.environ).data_dir)
    _warn(f"{done} {discovery.trust_dir}")


@cli.command("exec", context_settings={"ignore_unknown_options": True})
@click.option("--publish", metavar="NAME", help="Also set UV_PUBLISH_* for this index.")
@_keyring_option
@_store_option
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(publish: str | None, keyring: bool, store: bool, command: Sequence[str]) -> None:
    """Run COMMAND with the credentials; exit as it does.

    The credentials go into COMMAND's environment (with --keyring: only the usernames and
    uvcreds as uv's keyring). When COMMAND is uv or uvx, its own options and subcommand
    decide the project and the indexes as uv reads them: --directory, --project,
    --config-file, --no-config, --index, --default-index, a PEP 723 script; `uv publish`
    gets UV_PUBLISH_* for the URL it uploads to, `uv pip` and `uv tool`/uvx their own
    indexes. Exits with COMMAND's status, 127 when it cannot be found.
    With --store uv's own credential store is renewed first and COMMAND gets no credential
    variable.
    """
    _one_route(keyring, store)
    if store and publish:
        raise click.UsageError(
            "--publish is for the environment route; with --store, uv publish finds "
            "the entry for its publish URL itself"
        )
    status = execute.exec_command(command, publish=publish, keyring=keyring, store=store)
    sys.exit(execute.die_like(status))


@cli.group()
def keyring() -> None:
    """Answer the keyring command line's protocol, for uv.

    `keyring get SERVICE USERNAME` and `keyring get SERVICE --mode creds`, as uv runs them
    with UV_KEYRING_PROVIDER=subprocess: answered per URL, only where a binding, an allowed
    project or an anchored vendor host covers it.
    """


@keyring.command("get")
@click.argument("service")
@click.argument("username", required=False)
@click.option("--mode", type=click.Choice(["creds"]), help="Print the username and password.")
def keyring_get(service: str, username: str | None, mode: str | None) -> None:
    """Print the password for SERVICE (an index URL or host) and USERNAME; exit 1 when
    uvcreds has none for it."""
    from uvcreds.routes.keyring import answers

    request = KeyringGet(service, None if mode else username or "", creds=bool(mode), json=False)
    sys.exit(answers.keyring_main(request, os.environ))


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per index, in a list.")
@_script_option
def doctor(names: Sequence[str], as_json: bool, script: Path | None) -> None:
    """Explain each index end to end, and probe it live.

    Definition, provider, trust, the credential and its expiry, this shell's variables
    against what would be exported, and what the index answers without the credential and
    with it (within UVCREDS_TIMEOUT), each answer explained in one line. The credential goes
    only to the index URL itself; no secret is printed. Exits 0 only when every index
    answered with its credential.
    """
    from uvcreds.commands import doctor as diagnose

    environ = os.environ
    result = diagnose.prepare(Path.cwd(), environ, Locations(environ), script=script, warn=_warn)
    _check_names(result, names)
    report = diagnose.examine(result, environ, names)
    for problem in report.problems:
        _warn(problem.message)
    if as_json:
        _out(json.dumps([row.as_json() for row in report.rows], indent=2) + "\n")
    elif not report.rows:
        _out("no named indexes here\n")
    for row in report.rows if not as_json else ():
        _out(diagnose.text(row))
    sys.exit(0 if report.ok else 1)


def _check_names(result: decide.Result, names: Sequence[str]) -> None:
    known = set(result.names())
    for name in names:
        if name not in known:
            raise UvcredsError(
                f"no index named {name!r} here (found: {', '.join(sorted(known)) or 'none'})"
            )


def main() -> int:
    cli.main(prog_name="uvcreds")
    return 0
