"""uv/commandline.py: uv's (and uvx's) command line, read as uv's clap parser reads it."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.testing.helpers import uv_bin
from uvcreds.uv import commandline
from uvcreds.uv.commandline import PIP, PROJECT, PUBLISH, TOOL, parse


def test_not_uv() -> None:
    assert parse(["python", "-m", "uv", "lock"]) is None
    assert parse([]) is None


@pytest.mark.parametrize(
    ("argv", "kind", "words"),
    [
        (["uv", "lock"], PROJECT, ["lock"]),
        (["/usr/bin/uv", "-v", "--offline", "sync"], PROJECT, ["sync"]),
        (["uv", "--color", "never", "pip", "install", "x"], PIP, ["pip", "install"]),
        (["uv", "tool", "run", "ruff"], TOOL, ["tool", "run"]),
        (["uvx", "ruff", "check"], TOOL, ["tool", "run"]),
        (["uv.exe", "publish", "dist/*"], PUBLISH, ["publish"]),
        (["uv", "--cache-dir", "publish", "lock"], PROJECT, ["lock"]),  # a value, not a command
    ],
)
def test_the_subcommand(argv: list[str], kind: str, words: list[str]) -> None:
    parsed = parse(argv)
    assert parsed is not None
    assert (parsed.kind, parsed.words) == (kind, words)


def test_global_options_before_and_after_the_subcommand() -> None:
    argv = ["uv", "--directory", "d", "-vv", "lock", "--project=p", "--config-file", "c.toml"]
    parsed = parse([*argv, "--no-config", "--index", "a=http://a/ b=http://b/", "--index=c=u"])
    assert parsed is not None
    view = parsed.view({"UV_INDEX": "env=http://env/", "UV_PROJECT": "other"})
    assert view["UV_WORKING_DIR"] == "d"
    assert view["UV_PROJECT"] == "p"
    assert view["UV_CONFIG_FILE"] == "c.toml"
    assert view["UV_NO_CONFIG"] == "1"
    assert view["UV_INDEX"] == "a=http://a/ b=http://b/ c=u"  # the flag replaces the variable


def test_without_flags_the_variables_stand() -> None:
    parsed = parse(["uv", "sync"])
    assert parsed is not None
    environ = {"UV_INDEX": "x=http://x/", "UV_DEFAULT_INDEX": "d=http://d/", "UV_PROJECT": "p"}
    assert parsed.view(environ) == environ


def test_default_index_is_one_value() -> None:
    parsed = parse(["uv", "lock", "--default-index", "corp=http://c/", "--default-index=z=u"])
    assert parsed is not None
    assert parsed.view({})["UV_DEFAULT_INDEX"] == "z=u"


def test_a_runner_s_own_arguments_are_not_uv_s() -> None:
    parsed = parse(["uv", "run", "--with", "x", "tool.py", "--index", "evil=http://e/"])
    assert parsed is not None
    assert parsed.positionals == ["tool.py"]
    assert "UV_INDEX" not in parsed.view({})
    assert parsed.script == "tool.py"
    uvx = parse(["uvx", "--index", "corp=http://c/", "ruff", "--project", "x"])
    assert uvx is not None
    assert uvx.view({})["UV_INDEX"] == "corp=http://c/"
    assert "UV_PROJECT" not in uvx.view({})


def test_scripts() -> None:
    lock = parse(["uv", "lock", "--script", "s.py"])
    run_flag = parse(["uv", "run", "--script", "s", "arg.py"])
    module = parse(["uv", "run", "-m", "http.server"])
    assert lock is not None and run_flag is not None and module is not None
    assert (lock.script, run_flag.script, module.script) == ("s.py", "s", None)
    assert parse(["uv", "--", "run", "x.py"]) is not None


def test_short_options_with_values() -> None:
    parsed = parse(["uv", "pip", "install", "-pthere", "-r", "req.txt", "-i", "http://i/", "x"])
    assert parsed is not None
    assert parsed.options == {"-p": ["there"], "-r": ["req.txt"], "-i": ["http://i/"]}
    assert parsed.positionals == ["x"]


def test_publish() -> None:
    parsed = parse(["uv", "publish", "--index", "corp", "--check-url=http://c/", "dist/x.whl"])
    assert parsed is not None
    view = parsed.view({"UV_INDEX": "a=http://a/", "UV_DEFAULT_INDEX": "b=http://b/"})
    assert view == {"UV_PUBLISH_INDEX": "corp", "UV_PUBLISH_CHECK_URL": "http://c/"}
    url = parse(["uv", "publish", "--publish-url", "http://up/"])
    assert url is not None
    assert url.view({})["UV_PUBLISH_URL"] == "http://up/"


def _value_options(help_text: str) -> set[str]:
    """Long options that `--help` shows with a value: `--name <VALUE>`."""
    return set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+) <", help_text, re.MULTILINE))


@pytest.mark.parametrize(
    "subcommand",
    [
        [],
        ["lock"],
        ["sync"],
        ["run"],
        ["add"],
        ["publish"],
        ["pip", "install"],
        ["pip", "compile"],
        ["tool", "run"],
        ["tool", "install"],
        ["build"],
        ["venv"],
    ],
)
def test_every_option_the_installed_uv_takes_a_value_for_is_known(subcommand: list[str]) -> None:
    """The installed uv is the authority: an option it takes a value for, read as a flag,
    would make the value look like a subcommand or a script."""
    shown = subprocess.run(
        [uv_bin(), *subcommand, "--help"], capture_output=True, text=True, check=True
    ).stdout
    known = commandline.GLOBAL_VALUES | (commandline.SUBCOMMAND_VALUES if subcommand else set())
    assert _value_options(shown) - known == set()


@pytest.mark.parametrize(
    ("argv", "drops"),
    [
        (["uv", "pip", "install", "--isolated", "x"], True),
        (["uv", "--isolated", "venv"], True),
        (["uvx", "--isolated", "ruff"], False),  # uvx's own option: a fresh tool environment
        (["uv", "run", "--isolated", "x.py"], False),
        (["uv", "lock", "--isolated"], False),  # deprecated there, and without effect
    ],
)
def test_isolated_is_no_config_only_where_uv_says(argv: list[str], drops: bool) -> None:
    parsed = parse(argv)
    assert parsed is not None
    assert ("UV_NO_CONFIG" in parsed.view({})) is drops
