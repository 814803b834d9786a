"""argv.py, the fast path's reading of a command line, against click's reading of the same
line (cli.py): wherever the fast path takes a line, click takes it too, with the same
meaning and nothing else set. In-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uvcreds import argv
from uvcreds.cli import cli
from uvcreds.routes.env.formats import render
from uvcreds.routes.env.shells import SHELLS

WORDS = [
    "export", "hook", "keyring", "get", "status", "--format", "-f", "--format=json",
    "--format=fish", "--format=nope", "--keyring", "--publish", "corp", "--script", "s.py",
    "--store", "--mode", "creds", "--mode=creds", "--output", "json", "--output=json", "https://h/simple/",
    "me", "", "-x", *argv.SHELL_NAMES, *argv.FORMAT_NAMES,
]  # fmt: skip


def click_reading(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The subcommand click runs for args and its parameters, or None when click refuses.
    (The group's own options, --debug and -V, are not among WORDS: the first word names
    the command.)"""
    parent = cli.make_context("uvcreds", ["status"])  # any valid line: a context to hang on
    command: click.Command | None = cli.get_command(parent, args[0])
    name, rest = args[0], args[1:]
    try:
        if isinstance(command, click.Group) and rest:
            parent = command.make_context(name, [rest[0], "x"], parent=parent)
            name, command, rest = rest[0], command.get_command(parent, rest[0]), rest[1:]
        if command is None or isinstance(command, click.Group):
            return None
        context = command.make_context(name, list(rest), parent=parent)
    except (click.exceptions.Exit, click.UsageError):
        return None
    return name, dict(context.params)


def meaning(command: argv.Export | argv.Hook | argv.KeyringGet) -> tuple[str, dict[str, Any]]:
    """The fast path's command as click's parameters would state it."""
    if isinstance(command, argv.Export):
        return "export", {"format_name": command.format, "publish": None, "script": None}
    if isinstance(command, argv.Hook):
        flags = {"keyring": command.keyring, "store": command.store}
        return "hook", {"shell": command.shell, "publish": None, **flags}
    username = None if command.creds else command.username
    return "get", {
        "service": command.service,
        "username": username,
        "mode": "creds" * command.creds,
    }


def test_the_names_are_the_registries(tmp_path: Path) -> None:
    assert sorted(argv.SHELL_NAMES) == sorted(SHELLS)
    environ = {"GITHUB_ENV": str(tmp_path / "github-env")}
    for name in argv.FORMAT_NAMES:
        render(name, {}, environ)  # each renders; an unknown one raises


LINES = [
    ["export"],
    ["export", "--format", "json"],
    ["export", "--format", "fish"],
    ["export", "--format=dotenv"],
    ["hook", "bash"],
    ["hook", "zsh", "--keyring"],
    ["hook", "fish", "--store"],
    ["keyring", "get", "https://h/simple/", "me"],
    ["keyring", "get", "https://h/simple/", "--mode", "creds"],
    ["keyring", "get", "--mode=creds", "https://h/simple/"],
]


@pytest.mark.parametrize("words", LINES)
def test_the_usual_lines_are_the_fast_paths(words: list[str]) -> None:
    assert argv.parse(words) is not None
    assert_same_reading(words)


@settings(max_examples=1000, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["export", "hook", "keyring"]),
        st.lists(st.sampled_from(WORDS), max_size=4),
    ).map(lambda line: [line[0], *line[1]])
)
def test_every_line_the_fast_path_takes_click_takes_alike(words: list[str]) -> None:
    assert_same_reading(words)


def assert_same_reading(words: list[str]) -> None:
    command = argv.parse(words)
    if command is None:
        return
    if isinstance(command, argv.KeyringGet) and (command.json or words[1] != "get"):
        return  # pip's form (options first, `--output json`): the keyring program's alone
    reading = click_reading(words)
    assert reading is not None, words
    name, params = reading
    expected_name, expected = meaning(command)
    assert name == expected_name, words
    if name == "get":
        params["mode"] = params["mode"] or ""
    assert {k: params.get(k) for k in expected} == expected, words
    assert {k: v for k, v in params.items() if k not in expected and v} == {}, words
