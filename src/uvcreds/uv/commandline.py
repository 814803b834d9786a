"""uv's (and uvx's) command line as uv reads it, for `uvcreds exec`: which command runs, and
what moves its project, its settings and its indexes.

uv's CLI (crates/uv-cli/src/lib.rs, clap) takes its global options before or after the
subcommand; each of them falls back to an environment variable when not given
(`--directory` to `UV_WORKING_DIR`, then `UV_WORKING_DIRECTORY`; `--project` to
`UV_PROJECT`; `--config-file` to `UV_CONFIG_FILE`; `--no-config` to `UV_NO_CONFIG`;
`--index` to `UV_INDEX`; `--default-index` to `UV_DEFAULT_INDEX`). A flag given replaces
its variable, so `view()` writes the flags into the variables discovery reads, and
discovery reads uv's view of this one command.

Which indexes a command reads (crates/uv/src/lib.rs, settings.rs, commands/publish.rs):
project commands (lock, sync, run, add, ...) everything; `uv pip` the settings and its own
`[pip]` table and flags; `uv tool` and `uvx` the user's and the system's settings and
their flags, no project; `uv publish` the settings files alone, to look `--index NAME` up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# What a command reads (config.discover takes these).
PROJECT, PIP, TOOL, PUBLISH = "project", "pip", "tool", "publish"

# Global options that take a value (the rest of uv's global options are flags).
GLOBAL_VALUES = frozenset(
    [
        "--config-file",
        "--python-preference",
        "--python-fetch",
        "--color",
        "--allow-insecure-host",
        "--trusted-host",
        "--preview-features",
        "--preview-feature",
        "--directory",
        "--project",
        "--cache-dir",
    ]
)
# Options of the subcommands that take a value (the installed uv's `--help` is the list;
# tests/test_uvargs.py checks this one against it).
SUBCOMMAND_VALUES = frozenset(
    [
        "--annotation-style",
        "--author-from",
        "--bounds",
        "--branch",
        "--build-backend",
        "--build-constraints",
        "--cert",
        "--check-url",
        "--config-setting",
        "--config-setting-package",
        "--config-settings-package",
        "--constraints",
        "--custom-compile-command",
        "--default-index",
        "--depth",
        "--description",
        "--editable",
        "--env-file",
        "--exclude",
        "--exclude-newer",
        "--exclude-newer-package",
        "--excludes",
        "--extra",
        "--extra-index-url",
        "--find-links",
        "--fork-strategy",
        "--format",
        "--from",
        "--graalpy-mirror",
        "--group",
        "--ignore",
        "--ignore-until-fixed",
        "--index",
        "--index-strategy",
        "--index-url",
        "--install-dir",
        "--keyring-provider",
        "--link-mode",
        "--marker",
        "--mirror",
        "--name",
        "--no-binary",
        "--no-binary-package",
        "--no-build-isolation-package",
        "--no-build-package",
        "--no-editable-package",
        "--no-emit-package",
        "--no-extra",
        "--no-group",
        "--no-install-package",
        "--no-sources-package",
        "--only-binary",
        "--only-group",
        "--optional",
        "--out-dir",
        "--output-file",
        "--output-format",
        "--overrides",
        "--package",
        "--password",
        "--path",
        "--prefix",
        "--prerelease",
        "--prerelease-package",
        "--prompt",
        "--prune",
        "--publish-url",
        "--pyodide-mirror",
        "--pypy-mirror",
        "--python",
        "--python-downloads-json-url",
        "--python-platform",
        "--python-version",
        "--refresh-package",
        "--reinstall-package",
        "--requirements",
        "--resolution",
        "--rev",
        "--script",
        "--service-format",
        "--service-url",
        "--tag",
        "--target",
        "--token",
        "--torch-backend",
        "--trusted-publishing",
        "--ty-version",
        "--upgrade-group",
        "--upgrade-package",
        "--username",
        "--vcs",
        "--version",
        "--with",
        "--with-editable",
        "--with-executables-from",
        "--with-requirements",
    ]
)
# Short options that take a value after a subcommand (`uv run -m` and `-s` are flags).
SHORT_VALUES = frozenset("CPbcdefimoprtuw")
RUN_SHORT_FLAGS = frozenset("ms")
# Subcommands that run something: their first positional ends uv's own options.
RUNNERS = (("run",), ("tool", "run"))
USER_LEVEL = ("tool", "self")


@dataclass
class UvCommand:
    """What one uv command line says about the project and the indexes it reads."""

    kind: str = PROJECT
    words: list[str] = field(default_factory=list)  # the subcommand: ["pip", "install"]
    options: dict[str, list[str]] = field(default_factory=dict)  # "--index": values given
    flags: set[str] = field(default_factory=set)
    positionals: list[str] = field(default_factory=list)  # before a runner's own arguments

    def last(self, option: str) -> str | None:
        values = self.options.get(option)
        return values[-1] if values else None

    @property
    def script(self) -> str | None:
        """The PEP 723 script it may read: `--script PATH`, or `uv run`'s first positional
        when its name ends in `.py` or `.pyw` (or `--script`, `-s`, `--gui-script` says it
        is one), as uv decides it; the caller checks that it is a file."""
        given = self.last("--script")
        if given is not None:
            return given
        if self.words == ["run"] and self.positionals:
            first = self.positionals[0]
            if first.endswith((".py", ".pyw")) or self.flags & {"--script", "-s", "--gui-script"}:
                return first
        return None

    @property
    def _isolated_drops(self) -> bool:
        """The deprecated `--isolated` drops the settings files outside the project, tool and
        python commands (crates/uv/src/lib.rs); for `uv run`, uvx and the rest it is another
        option. Where unsure, the settings are read: more places to block a variable."""
        return self.kind in (PIP, PUBLISH) or self.words[:1] in (["venv"], ["build"])

    def view(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The environment as this command reads it: each flag given in place of its
        variable. Only for discovery; the child gets the environment it had."""
        view = dict(environ)
        if self.last("--directory") is not None:
            view["UV_WORKING_DIR"] = self.last("--directory") or ""
        for option, variable in (("--project", "UV_PROJECT"), ("--config-file", "UV_CONFIG_FILE")):
            if self.last(option) is not None:
                view[variable] = self.last(option) or ""
        if "--no-config" in self.flags or ("--isolated" in self.flags and self._isolated_drops):
            view["UV_NO_CONFIG"] = "1"
        if self.kind == PUBLISH:
            # `uv publish --index` is a name; publish reads neither UV_INDEX nor UV_DEFAULT_INDEX
            view.pop("UV_INDEX", None)
            view.pop("UV_DEFAULT_INDEX", None)
            for option, variable in (
                ("--publish-url", "UV_PUBLISH_URL"),
                ("--index", "UV_PUBLISH_INDEX"),
                ("--check-url", "UV_PUBLISH_CHECK_URL"),
            ):
                if self.last(option) is not None:
                    view[variable] = self.last(option) or ""
            return view
        if "--index" in self.options:
            view["UV_INDEX"] = " ".join(self.options["--index"])
        if "--default-index" in self.options:
            view["UV_DEFAULT_INDEX"] = self.last("--default-index") or ""
        return view


def is_uv(command: Sequence[str]) -> bool:
    return bool(command) and _program(command[0]) in ("uv", "uvx")


def _program(path: str) -> str:
    name = os.path.basename(path)
    return name[:-4] if name.lower().endswith(".exe") else name


def parse(command: Sequence[str]) -> UvCommand | None:
    """uv's reading of `command`, or None when it is not uv (or uvx)."""
    if not is_uv(command):
        return None
    parsed = UvCommand()
    arguments = list(command[1:])
    if _program(command[0]) == "uvx":
        parsed.words = ["tool", "run"]
        parsed.kind = TOOL
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        position += 1
        if argument == "--":
            break
        if argument.startswith("--"):
            position = _long(parsed, argument, arguments, position)
        elif argument.startswith("-") and len(argument) > 1:
            position = _short(parsed, argument, arguments, position)
        elif _wants_word(parsed):
            parsed.words.append(argument)
            parsed.kind = _kind(parsed.words)
        else:
            parsed.positionals.append(argument)
            if tuple(parsed.words) in RUNNERS:
                break  # what follows is the program's, not uv's
    return parsed


def _wants_word(parsed: UvCommand) -> bool:
    """Whether the next positional is (part of) the subcommand."""
    if not parsed.words:
        return True
    return len(parsed.words) == 1 and parsed.words[0] in (
        "pip",
        "tool",
        "python",
        "cache",
        "self",
        "auth",
        "workspace",
    )


def _kind(words: list[str]) -> str:
    if words[0] == "pip":
        return PIP
    if words[0] in USER_LEVEL:
        return TOOL
    if words[0] == "publish":
        return PUBLISH
    return PROJECT


def _long(parsed: UvCommand, argument: str, arguments: list[str], position: int) -> int:
    name, equals, value = argument.partition("=")
    takes_value = name in GLOBAL_VALUES or (bool(parsed.words) and name in SUBCOMMAND_VALUES)
    if tuple(parsed.words) in RUNNERS and name == "--script":
        takes_value = False  # `uv run --script PATH`: a flag, PATH the first positional
    if equals:
        parsed.options.setdefault(name, []).append(value)
    elif takes_value and position < len(arguments):
        parsed.options.setdefault(name, []).append(arguments[position])
        return position + 1
    else:
        parsed.flags.add(name)
    return position


def _short(parsed: UvCommand, argument: str, arguments: list[str], position: int) -> int:
    """`-v`, `-vv`, `-qn`; `-pVALUE`, `-p VALUE` for a short option that takes one."""
    letters = argument[1:]
    for offset, letter in enumerate(letters):
        if not parsed.words or not _short_takes_value(parsed, letter):
            parsed.flags.add(f"-{letter}")
            continue
        rest = letters[offset + 1 :].removeprefix("=")
        if rest:
            parsed.options.setdefault(f"-{letter}", []).append(rest)
            return position
        if position < len(arguments):
            parsed.options.setdefault(f"-{letter}", []).append(arguments[position])
            return position + 1
        return position
    return position


def _short_takes_value(parsed: UvCommand, letter: str) -> bool:
    if tuple(parsed.words) in RUNNERS and letter in RUN_SHORT_FLAGS:
        return False
    return letter in SHORT_VALUES
