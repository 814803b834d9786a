"""Every command README.md shows, run word for word, and checked for what it is said to do.

Which strings are commands (`readme_commands`), read with a CommonMark parser (markdown-it-py,
GFM tables on), so a code span's text is what GitHub shows: line breaks inside a span are
spaces, and `\\|` in a table cell is `|`:

1. fenced blocks, by info string: ```sh, every line that is neither blank nor a `#` comment;
   ```console, every line starting with `$ `, less that prefix; ```yaml (the CI recipes),
   the value of every `run:` and `script:` key; ```json (the VS Code task), the task's
   `command` and `args`, shell-joined (the task runs them as one argv, no shell). Other
   blocks (toml, the untagged file tree) hold no commands; the ```jsonc VS Code settings
   hold terminal profiles, which tests/e2e/test_vscode.py starts as VS Code does.
2. inline code spans outside fences:
   a. the first span of each cell in a table column headed `line` (the Shell setup table:
      the line to add, then the file it goes in), whatever it contains;
   b. any other span that starts with `uvcreds `, `uv `, `eval `, `_UVCREDS_COMPLETE=`,
      `echo `, `scripts/`, `export `, unless it is a syntax summary, i.e. it has `[`,
      `<`, `...` or `…`, a word in capitals alone (`NAME`, `SHELL`, `CMD`), or a `|`
      touching a non-space (`sh|fish`, "or"; a pipe has spaces around it), and unless it
      is one of MENTIONS: a subcommand named in prose without the arguments it requires,
      which a test shows is a usage error (exit 2) when typed as it stands.

`test_the_readme_commands_are_the_runners` asserts that this set is exactly the keys of
RUNNERS: a command added to the README without a runner fails, so does a stale runner.

Each runner is called with its key and runs that exact string, through `bash -c` (zsh or
fish for their lines, as the startup-file line of a real interactive shell for the hook
lines; an argv for the JSON task), in an environment from `tests.testing.helpers.make_isolated_env`
(HOME and every cache in tmp) with this venv's `uvcreds` and `uv` first on PATH, in a
prepared directory, then checks the effect. A command that changes the shell it runs in
(`eval`, `export`) is the first line of the script; the lines after it only look. A command
the README shows after others (`uv lock` after `eval "$(uvcreds export)"`) runs after them.
Commands that a module fixture runs once for several runners are constants, used as their
keys. Three are not run here: `scripts/demo.sh` runs in tests/e2e/test_demo.py (its runner
delegates, so the demo runs once); `scripts/test.sh` is the suite itself, which CI runs
(`.ci/run`, checked); the PowerShell line is parsed, as pwsh cannot be installed here.

The tour's project is the README's `pyproject.toml` with its CodeArtifact URL replaced by a
local index's (uv cannot reach that host offline), plus the personal binding the README
gives for a CodeArtifact repository behind another host: provider "aws" and the URL's own
domain, owner and region. A fake CodeArtifact (real boto3, AWS_ENDPOINT_URL_CODEARTIFACT)
mints the tokens; the index accepts only username `aws` with a token it minted. `uvcreds
status` and `uvcreds export` also run in the README's exact project, which needs no
network for them: the token request goes to the fake with the README URL's domain.

The install lines need the package registry for their dependencies, as scripts/test.sh
does; they carry the `network_install` marker and run in the suite like every other test.
So do the pip, twine and Poetry recipes, which one fixture runs in order in one environment
(`recipes`): the installs from the checkout's root, then each tool against the bound index.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
from markdown_it import MarkdownIt

import uvcreds
from tests.e2e import test_direnv
from tests.e2e.shells.test_pwsh import _problems as pwsh_problems
from tests.testing.fakes.codeartifact import CodeArtifactFake, TokenRequest
from tests.testing.fakes.index import FakeIndex, IndexRequest, build_wheel
from tests.testing.helpers import make_isolated_env, run, uvcreds_cmd
from uvcreds.providers import detect
from uvcreds.urls import parse

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
VENV_BIN = Path(sys.executable).parent
INDEX = "private-registry"
USER_VAR = "UV_INDEX_PRIVATE_REGISTRY_USERNAME"
PASSWORD_VAR = "UV_INDEX_PRIVATE_REGISTRY_PASSWORD"

# --- which strings of the README are commands ----------------------------------------------

PREFIXES = ("uvcreds ", "uv ", "eval ", "_UVCREDS_COMPLETE=", "echo ", "scripts/", "export ")
# Subcommands the prose names without their required arguments: not commands (rule 2b).
MENTIONS = {
    "uvcreds exec": "Missing argument 'COMMAND...'",
    "uv add": "the following required arguments were not provided",
}
_SUMMARY = re.compile(r"[\[<…]|\.\.\.|(?:^|\s)[A-Z]{2,}(?=\s|$)|\S\||\|\S")
_YAML_STEP = re.compile(r"^\s*(?:-\s+)?(?:run|script):\s*(\S.*?)\s*$")


def readme_commands(text: str) -> list[str]:
    """The commands in `text`, by the rule in this module's docstring, first seen first."""
    found: list[str] = []
    columns: list[str] = []  # the header cells of the table being read
    column = 0
    in_header = False
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "fence":
            found += _fence_commands(token.info.strip(), token.content)
        elif token.type == "table_open":
            columns = []
        elif token.type in ("thead_open", "thead_close"):
            in_header = token.type == "thead_open"
        elif token.type == "tr_open":
            column = 0
        elif token.type in ("th_close", "td_close"):
            column += 1
        elif token.type == "inline":
            if in_header:
                columns.append(token.content)
                continue
            spans = [c.content for c in token.children or [] if c.type == "code_inline"]
            in_line_column = column < len(columns) and columns[column] == "line"
            if in_line_column and spans:
                found.append(spans[0])
                spans = spans[1:]
            found += [span for span in spans if is_command_span(span)]
    return list(dict.fromkeys(found))


def is_command_span(span: str) -> bool:
    """Rule 2b: a span in the prose that is a complete command."""
    return span.startswith(PREFIXES) and not _SUMMARY.search(span) and span not in MENTIONS


def _fence_commands(info: str, content: str) -> list[str]:
    lines = content.splitlines()
    if info == "sh":
        return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if info == "console":
        return [line[2:] for line in lines if line.startswith("$ ")]
    if info == "yaml":
        return [m.group(1) for m in map(_YAML_STEP.match, lines) if m]
    if info == "json":
        task = json.loads(content)
        return [shlex.join([task["command"], *task.get("args", [])])]
    return []


def console_output(text: str, command: str) -> str:
    """What a ```console block shows after `$ command`, up to the next `$ ` line."""
    for block in re.findall(r"^```console\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        lines = block.splitlines()
        if f"$ {command}" in lines:
            start = lines.index(f"$ {command}") + 1
            end = next((i for i in range(start, len(lines)) if lines[i].startswith("$ ")), None)
            return "\n".join(lines[start:end]).strip("\n") + "\n"
    raise AssertionError(f"no `$ {command}` in a console block")


README_TEXT = README.read_text(encoding="utf-8")
TOUR_PYPROJECT = console_output(README_TEXT, "cat pyproject.toml")
_urls = re.findall(r'^url = "(.*)"$', TOUR_PYPROJECT, re.MULTILINE)
assert len(_urls) == 1, TOUR_PYPROJECT
TOUR_URL = _urls[0]
# Commands that fixtures run (several runners look at one run): the RUNNERS keys for them.
TOUR_EXPORT = 'eval "$(uvcreds export)"'
TOUR_LOCK = "uv lock"
BASH_LINE = 'eval "$(uvcreds init bash)"'
TOUR_ECHO = f"echo '{BASH_LINE}' >> ~/.bashrc"
EXPORT_PROVIDER = "export UV_KEYRING_PROVIDER=subprocess"
EXPORT_USERNAME = f"export {USER_VAR}=aws"
GITHUB_EXPORT = "uvcreds export --format github"
GITHUB_SYNC = "uv sync --locked"
TOUR_BINDING = 'provider = "aws"\ndomain = "acme"\ndomain-owner = "111122223333"\n'
TOUR_BINDING += 'region = "eu-west-1"\n'


# --- the prepared world: a fake CodeArtifact, indexes that demand its tokens ------------------


class MintedTokenIndex(FakeIndex):
    """A FakeIndex that, like CodeArtifact, accepts username `aws` with any token minted."""

    def __init__(self, packages_dir: Path, codeartifact: CodeArtifactFake) -> None:
        super().__init__(packages_dir)
        self.codeartifact = codeartifact

    def _check(self, username: str, password: str) -> bool:
        return username == "aws" and password in self.codeartifact.issued


@dataclass
class World:
    """Everything the tour's commands need, on 127.0.0.1 in one temporary directory."""

    root: Path
    codeartifact: CodeArtifactFake
    index: MintedTokenIndex
    team_index: FakeIndex  # for team settings that need `uvcreds allow`
    env: dict[str, str]

    def make_env(self, name: str) -> dict[str, str]:
        """A new isolated environment (own HOME) with the tour's binding, venv first on
        PATH and UV_NO_CACHE=1, so every uv run asks the index again."""
        env = make_isolated_env(self.root / "envs" / name)
        env.update(self.codeartifact.aws_env(self.root / "envs" / name / "aws-config"))
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
        env["UV_NO_CACHE"] = "1"
        env.update(TERM="dumb", LC_ALL="C.UTF-8", LANG="C.UTF-8")
        env.pop("ZDOTDIR", None)
        config = Path(env["UVCREDS_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'[[credential]]\nurl = "{self.index.simple_url}"\n{TOUR_BINDING}')
        # Else an interactive fish's first start parses every man page in the background.
        (Path(env["XDG_DATA_HOME"]) / "fish" / "generated_completions").mkdir(parents=True)
        return env

    def project(self, name: str, *, publish: bool = False, exact: bool = False) -> Path:
        """A directory with the README's pyproject: its URL replaced by the local index's
        (`exact`: as written), `publish` adding that index's `publish-url`."""
        directory = self.root / "projects" / name
        directory.mkdir(parents=True)
        text = TOUR_PYPROJECT
        if not exact:
            url_line = f'url = "{self.index.simple_url}"'
            if publish:
                url_line += f'\npublish-url = "{self.index.upload_url}"'
            text = text.replace(f'url = "{TOUR_URL}"', url_line)
        (directory / "pyproject.toml").write_text(text)
        return directory

    def team_project(self, name: str) -> Path:
        """A project whose own settings route a secret, so they count after `uvcreds allow`."""
        directory = self.root / "projects" / name
        directory.mkdir(parents=True)
        (directory / "pyproject.toml").write_text(
            TOUR_PYPROJECT.replace(TOUR_URL, self.team_index.simple_url)
            + f'\n[tool.uvcreds.index.{INDEX}]\nprovider = "env"\nusername = "team"\n'
            'password-env = "TEAM_TOKEN"\n'
        )
        return directory

    def script_project(self, name: str) -> Path:
        """A directory holding only `s.py`, a PEP 723 script with the tour's index."""
        directory = self.root / "projects" / name
        directory.mkdir(parents=True)
        (directory / "s.py").write_text(
            "# /// script\n"
            '# dependencies = ["tinypkg"]\n'
            "#\n"
            "# [[tool.uv.index]]\n"
            f'# name = "{INDEX}"\n'
            f'# url = "{self.index.simple_url}"\n'
            "# default = true\n"
            "# ///\n"
            "import tinypkg\n\n"
            'print("tinypkg", tinypkg.__version__)\n'
        )
        return directory

    def bash(
        self, script: str, cwd: Path, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run(["bash", "-c", script], self.env if env is None else env, cwd=cwd)

    def exported(
        self, cwd: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """What `uvcreds export --format json ARGS` gives here: to prepare an environment."""
        done = run([*uvcreds_cmd(), "export", "--format", "json", *args], env or self.env, cwd)
        assert done.returncode == 0, done.stderr
        values = json.loads(done.stdout)
        assert isinstance(values, dict)
        return {str(k): str(v) for k, v in values.items()}

    def lock(self, cwd: Path) -> None:
        """Prepare a uv.lock, through the credentials (for the `--locked` commands)."""
        done = run([*uvcreds_cmd(), "exec", "--", "uv", "lock"], self.env, cwd)
        assert done.returncode == 0, done.stderr

    def token_requests(self) -> list[TokenRequest]:
        return self.codeartifact.token_requests()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("readme")
    with CodeArtifactFake() as codeartifact:
        serial = iter(range(1, 10_000))
        codeartifact.token = lambda _: f"ca-tok.{next(serial)}/+={os.urandom(3).hex()}"
        index = MintedTokenIndex(root / "packages", codeartifact)
        team_index = FakeIndex(root / "team-packages", {"team": "team-secret"})
        with index, team_index:
            index.add_wheel("tinypkg", "0.1.0")
            team_index.add_wheel("tinypkg", "0.1.0")
            world = World(root, codeartifact, index, team_index, {})
            world.env = world.make_env("main")
            yield world


def venv_has_tinypkg(project: Path) -> bool:
    return any(project.glob(".venv/lib/python*/site-packages/tinypkg/__init__.py"))


def locked_tinypkg(lock: Path) -> bool:
    return lock.is_file() and 'name = "tinypkg"' in lock.read_text()


def authenticated(index: FakeIndex, method: str = "GET") -> bool:
    """The index answered 200 to a request with username `aws`."""
    return any(
        r.method == method and r.username == "aws" and r.status == 200 for r in index.requests
    )


_SHOW = "import json,os,sys; print('ENV' + json.dumps({n: os.getenv(n) for n in sys.argv[1:]}))"
SHOW_ENV = shlex.join([sys.executable, "-c", _SHOW, USER_VAR, PASSWORD_VAR, "UV_KEYRING_PROVIDER"])


def interactive(
    shell: str, lines: Sequence[str], env: Mapping[str, str], cwd: Path
) -> tuple[list[dict[str, Optional[str]]], subprocess.CompletedProcess[str]]:
    """A real interactive shell (`-i`: it reads its startup file and shows a prompt, running
    its prompt hooks, before each line) typing `lines`; the SHOW_ENV lines' findings."""
    done = subprocess.run(
        [shell, "-i"],
        input="\n".join([*lines, "exit"]) + "\n",
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=90,
        start_new_session=True,  # no controlling terminal: the shell cannot take it over
    )
    found = [json.loads(m) for m in re.findall(r"ENV(\{.*?\})", done.stdout)]
    return found, done


# --- the tour ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tour:
    project: Path  # the README's project, on the local index
    session: subprocess.CompletedProcess[str]  # `eval "$(uvcreds export)"`, then `uv lock`
    exact: subprocess.CompletedProcess[str]  # the export in the README's exact project
    minted: str  # the token CodeArtifact minted for that export
    lock_requests: list[IndexRequest]  # what the index received during the session


@pytest.fixture(scope="module")
def tour(world: World) -> Tour:
    """The tour's `eval "$(uvcreds export)"` and `uv lock`, in one bash, as shown (before
    them `uv lock` alone is refused); and the export in the README's exact project, where
    CodeArtifact is asked for a token of the URL's domain, owner and region."""
    project = world.project("tour")
    refused = world.bash(TOUR_LOCK, project)
    assert refused.returncode != 0 and "401 Unauthorized" in refused.stderr, refused.stderr
    exact = world.project("tour-exact", exact=True)
    before = len(world.token_requests())
    env = world.make_env("tour-exact")  # its own token cache: this export must ask
    in_exact = world.bash(f"{TOUR_EXPORT}\n{SHOW_ENV}", exact, env)
    (request,) = world.token_requests()[before:]
    minted = world.codeartifact.issued[-1]
    assert (request.domain, request.domain_owner, request.region) == (
        "acme",
        "111122223333",
        "eu-west-1",
    )
    received = len(world.index.requests)
    session = world.bash(f"{TOUR_EXPORT}\n{TOUR_LOCK}", project)
    return Tour(project, session, in_exact, minted, world.index.requests[received:])


def run_cat_pyproject(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    project = world.project("cat")
    done = world.bash(command, project)
    assert done.returncode == 0
    assert done.stdout == TOUR_PYPROJECT.replace(TOUR_URL, world.index.simple_url)


def run_status(request: pytest.FixtureRequest, command: str) -> None:
    """`uvcreds status` names the index, where it is defined, provider `aws` from the
    README's host, the variables; in the local copy too, where the binding names aws."""
    world: World = request.getfixturevalue("world")
    assert detect(parse(TOUR_URL)) == "aws"
    projects = [
        (world.project("status-exact", exact=True), TOUR_URL),
        (world.project("status"), world.index.simple_url),
    ]
    for project, url in projects:
        done = world.bash(command, project)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].split() == [INDEX, url]
        assert f"defined in: {project / 'pyproject.toml'}" in done.stdout
        assert re.search(r"^  provider: +aws$", done.stdout, re.MULTILINE), done.stdout
        assert f"variables:  {USER_VAR} {PASSWORD_VAR}" in done.stdout
        assert re.search(r"^  token: +(none|fresh)", done.stdout, re.MULTILINE), done.stdout


def run_eval_export(request: pytest.FixtureRequest, command: str) -> None:
    """The shell then holds username `aws` and the minted token; the project here gets a
    lock through them (with the tour's `uv lock`)."""
    assert command == TOUR_EXPORT
    tour: Tour = request.getfixturevalue("tour")
    exact = tour.exact
    assert exact.returncode == 0 and "uvcreds:" not in exact.stderr, exact.stderr
    (shown,) = re.findall(r"ENV(\{.*\})", exact.stdout)
    values = json.loads(shown)
    assert (values[USER_VAR], values[PASSWORD_VAR]) == ("aws", tour.minted)
    assert "uvcreds:" not in tour.session.stderr, tour.session.stderr


def run_direnv_export(request: pytest.FixtureRequest, command: str) -> None:
    """.envrc.example has the line; real direnv, once allowed, exports the credentials with
    it (tests/e2e/test_direnv.py shows it reloads when a member is added)."""
    assert command in (ROOT / ".envrc.example").read_text().splitlines()
    tmp_path: Path = request.getfixturevalue("tmp_path")
    env = test_direnv.direnv_env(make_isolated_env(tmp_path / "env"))
    config = Path(env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[[credential]]\nurl = "https://corp.example/"\nprovider = "env"\n'
        'username = "me"\npassword-env = "CORP_TOKEN"\n'
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0.1"\n\n[[tool.uv.index]]\nname = "corp"\n'
        'url = "https://corp.example/simple/"\n'
    )
    test_direnv.allowed_envrc(project, env)
    values = test_direnv.direnv_export(env, project)
    assert (values["UV_INDEX_CORP_USERNAME"], values["UV_INDEX_CORP_PASSWORD"]) == (
        "me",
        test_direnv.SECRET,
    )


def run_uv_lock(request: pytest.FixtureRequest, command: str) -> None:
    assert command == TOUR_LOCK
    tour: Tour = request.getfixturevalue("tour")
    assert tour.session.returncode == 0, tour.session.stderr
    assert locked_tinypkg(tour.project / "uv.lock")
    assert tour.lock_requests, "uv asked the index nothing"
    assert all(r.username == "aws" and 200 <= r.status < 300 for r in tour.lock_requests)


@pytest.fixture(scope="module")
def bashrc_session(
    world: World,
) -> tuple[dict[str, str], list[dict[str, Optional[str]]], subprocess.CompletedProcess[str]]:
    """The tour's last line, then a real interactive bash reading that ~/.bashrc: it enters
    the project, shows the environment, runs uv lock, leaves, shows it again."""
    env = world.make_env("bashrc")
    home = Path(env["HOME"])
    project = world.project("bashrc/app")
    echo = world.bash(TOUR_ECHO, home, env)
    assert echo.returncode == 0, echo.stderr
    lines = ["cd app", SHOW_ENV, "uv lock", "echo LOCK=$?", "cd ..", SHOW_ENV]
    found, done = interactive("bash", lines, env, project.parent)
    return env, found, done


def run_echo_bashrc(request: pytest.FixtureRequest, command: str) -> None:
    assert command == TOUR_ECHO
    env, _, _ = request.getfixturevalue("bashrc_session")
    bashrc = (Path(env["HOME"]) / ".bashrc").read_text()
    assert bashrc.splitlines()[-1] == BASH_LINE
    run_bash_line(request, BASH_LINE)


def run_bash_line(request: pytest.FixtureRequest, command: str) -> None:
    """In ~/.bashrc: at the prompt after `cd app` the credential is exported (uv lock then
    works), and after `cd ..` it is gone."""
    assert command == BASH_LINE
    world: World = request.getfixturevalue("world")
    _, found, done = request.getfixturevalue("bashrc_session")
    assert len(found) == 2, done.stdout + done.stderr
    inside, outside = found
    assert inside[USER_VAR] == "aws" and inside[PASSWORD_VAR] in world.codeartifact.issued
    assert "LOCK=0" in done.stdout, done.stderr
    assert outside[PASSWORD_VAR] is None and outside[USER_VAR] is None


def _rc_shell(request: pytest.FixtureRequest, shell: str, rc: str, command: str) -> None:
    """`command` alone in the shell's startup file; a real interactive shell enters the
    project, where its `cd` hook exports the credential, and leaves it."""
    world: World = request.getfixturevalue("world")
    env = world.make_env(shell)
    rc_path = Path(env["HOME"]) / rc
    rc_path.parent.mkdir(parents=True, exist_ok=True)
    rc_path.write_text(command + "\n")
    project = world.project(f"{shell}/app")
    status = "$status" if shell == "fish" else "$?"
    lines = ["cd app", SHOW_ENV, "uv lock", f"echo LOCK={status}", "cd ..", SHOW_ENV]
    found, done = interactive(shell, lines, env, project.parent)
    assert len(found) == 2, done.stdout + done.stderr
    inside, outside = found
    assert inside[USER_VAR] == "aws" and inside[PASSWORD_VAR] in world.codeartifact.issued
    assert "LOCK=0" in done.stdout, done.stderr
    assert outside[PASSWORD_VAR] is None


def run_zsh_line(request: pytest.FixtureRequest, command: str) -> None:
    _rc_shell(request, "zsh", ".zshrc", command)


def run_fish_line(request: pytest.FixtureRequest, command: str) -> None:
    _rc_shell(request, "fish", ".config/fish/config.fish", command)


def run_pwsh_line(request: pytest.FixtureRequest, command: str) -> None:
    """PowerShell cannot be installed on the machines this project is tested on (no pwsh
    package in the registries they reach), so this line is not run: like
    tests/shells/test_pwsh.py, it is parsed with tree-sitter-powershell, and so is what it
    evaluates, the output of `uvcreds init pwsh`."""
    world: World = request.getfixturevalue("world")
    assert pwsh_problems(command) == []
    assert "(& uvcreds init pwsh)" in command
    snippet = run([*uvcreds_cmd(), "init", "pwsh"], world.env, world.root)
    assert snippet.returncode == 0 and pwsh_problems(snippet.stdout) == [], snippet.stderr


# --- completion ---------------------------------------------------------------------------


def run_bash_completion(request: pytest.FixtureRequest, command: str) -> None:
    """bash registers the completion function, and it completes `uvcreds ex`."""
    world: World = request.getfixturevalue("world")
    check = "complete -p uvcreds\nCOMP_WORDS=(uvcreds ex); COMP_CWORD=1\n"
    check += '_uvcreds_completion uvcreds; printf "%s\\n" "${COMPREPLY[@]}"'
    done = world.bash(f"{command}\n{check}", world.root)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "complete -o nosort -F _uvcreds_completion uvcreds"
    assert {"exec", "export"} <= set(lines[1:])


def run_zsh_completion(request: pytest.FixtureRequest, command: str) -> None:
    """zsh's completion system has to be on (`compinit`, as in any zsh set up for
    completion; zsh -c reads no ~/.zshrc): then the line registers uvcreds' function."""
    world: World = request.getfixturevalue("world")
    script = f"autoload -Uz compinit && compinit\n{command}\nprint -r -- $_comps[uvcreds]"
    done = run(["zsh", "-c", script], world.env, world.root)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == "_uvcreds_completion\n"


def run_fish_completion(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    done = run(["fish", "-c", f"{command}\ncomplete -C 'uvcreds ex'"], world.env, world.root)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert {"exec", "export"} <= {line.split("\t")[0] for line in done.stdout.splitlines()}


# --- secret-free mode, exec, publishing ------------------------------------------------------


def run_init_bash_keyring(request: pytest.FixtureRequest, command: str) -> None:
    """It prints a bash snippet (bash parses it) for secret-free mode."""
    world: World = request.getfixturevalue("world")
    done = world.bash(command, world.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "__uvcreds_keyring=1"
    parsed = run(["bash", "-n"], world.env, world.root, input=done.stdout)
    assert parsed.returncode == 0, parsed.stderr


def run_eval_init_bash_keyring(request: pytest.FixtureRequest, command: str) -> None:
    """In ~/.bashrc, a real interactive bash entering the project gets the username and
    UV_KEYRING_PROVIDER=subprocess, no password, and uv lock authenticates through it."""
    world: World = request.getfixturevalue("world")
    env = world.make_env("bash-keyring")
    (Path(env["HOME"]) / ".bashrc").write_text(command + "\n")
    project = world.project("bash-keyring/app")
    lines = ["cd app", SHOW_ENV, "uv lock", "echo LOCK=$?"]
    found, done = interactive("bash", lines, env, project.parent)
    assert found == [{USER_VAR: "aws", PASSWORD_VAR: None, "UV_KEYRING_PROVIDER": "subprocess"}]
    assert "LOCK=0" in done.stdout, done.stderr
    assert locked_tinypkg(project / "uv.lock")


def run_exec_keyring(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    project = world.project("exec-keyring")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert locked_tinypkg(project / "uv.lock")


def run_eval_init_bash_store(request: pytest.FixtureRequest, command: str) -> None:
    """In ~/.bashrc, a real interactive bash entering the project gets no credential
    variable at all, and uv lock authenticates from uv's own credential store."""
    world: World = request.getfixturevalue("world")
    env = world.make_env("bash-store")
    (Path(env["HOME"]) / ".bashrc").write_text(command + "\n")
    project = world.project("bash-store/app")
    lines = ["cd app", SHOW_ENV, "uv lock", "echo LOCK=$?"]
    found, done = interactive("bash", lines, env, project.parent)
    assert found == [{USER_VAR: None, PASSWORD_VAR: None, "UV_KEYRING_PROVIDER": None}]
    assert "LOCK=0" in done.stdout, done.stderr
    assert locked_tinypkg(project / "uv.lock")
    store = Path(env["XDG_DATA_HOME"], "uv", "credentials", "credentials.toml")
    assert store.is_file() and store.stat().st_mode & 0o777 == 0o600


def run_exec_store(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    env = world.make_env("exec-store")  # its own uv store: other runners see none
    project = world.project("exec-store")
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert locked_tinypkg(project / "uv.lock")


def run_export_keyring_provider(request: pytest.FixtureRequest, command: str) -> None:
    """Trivially, in bash; the keyring route as a whole (these two lines, then uv with the
    keyring uvcreds is a backend of) runs in the `uv tool install keyring --with .` check."""
    world: World = request.getfixturevalue("world")
    done = world.bash(f"{command}\nprintenv UV_KEYRING_PROVIDER", world.root)
    assert done.stdout == "subprocess\n", done.stderr


def run_export_username(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    done = world.bash(f"{command}\nprintenv {USER_VAR}", world.root)
    assert done.stdout == "aws\n", done.stderr


def _publish_project(world: World, name: str, package: str) -> tuple[Path, Path]:
    project = world.project(name, publish=True)
    wheel = build_wheel(project / "dist", package, "1.0.0")
    return project, wheel


def _uploaded(world: World, wheel: Path) -> bool:
    return (world.index.packages_dir / wheel.name).is_file() and authenticated(world.index, "POST")


def run_exec_publish(request: pytest.FixtureRequest, command: str) -> None:
    """The wheel in dist/ is uploaded to the index's publish-url, as `aws` with the token."""
    world: World = request.getfixturevalue("world")
    project, wheel = _publish_project(world, "publish-exec", "pubpkg")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert _uploaded(world, wheel)


def run_plain_uv_publish(request: pytest.FixtureRequest, command: str) -> None:
    """With the variables `--publish NAME` adds in the environment, plain `uv publish`
    uploads to that index's publish-url."""
    world: World = request.getfixturevalue("world")
    project, wheel = _publish_project(world, "publish-plain", "plainpkg")
    env = {**world.env, **world.exported(project, "--publish", INDEX)}
    assert env["UV_PUBLISH_INDEX"] == INDEX
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert _uploaded(world, wheel)


def run_uv_sync(request: pytest.FixtureRequest, command: str) -> None:
    """With the exported variables, uv sync installs the project's dependency."""
    world: World = request.getfixturevalue("world")
    project = world.project("sync")
    done = world.bash(command, project, {**world.env, **world.exported(project)})
    assert done.returncode == 0, done.stderr
    assert venv_has_tinypkg(project)


def run_exec_sync_locked(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    project = world.project("exec-sync-locked")
    world.lock(project)
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert venv_has_tinypkg(project)


def run_vscode_task(request: pytest.FixtureRequest, command: str) -> None:
    """The VS Code task is a process, no shell: its argv, as given."""
    world: World = request.getfixturevalue("world")
    project = world.project("vscode")
    done = run(shlex.split(command), world.env, project)
    assert done.returncode == 0, done.stderr
    assert venv_has_tinypkg(project)


@pytest.fixture(scope="module")
def github_steps(world: World) -> tuple[Path, dict[str, str], Any, Any]:
    """The GitHub Actions recipe's two steps: `uvcreds export --format github` appends to
    $GITHUB_ENV, which the runner loads into the next step's environment."""
    project = world.project("github")
    world.lock(project)
    github_env = world.root / "github-env"
    github_env.write_text("")
    env = {**world.env, "GITHUB_ENV": str(github_env)}
    export = world.bash(GITHUB_EXPORT, project, env)
    step_env = {**env, **_read_github_env(github_env.read_text())}
    sync = world.bash(GITHUB_SYNC, project, step_env)
    return project, step_env, export, sync


def _read_github_env(text: str) -> dict[str, str]:
    """$GITHUB_ENV as the runner reads it: `NAME=value` lines and `NAME<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            for part in lines:
                if part == delimiter:
                    break
                body.append(part)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def run_export_github(request: pytest.FixtureRequest, command: str) -> None:
    assert command == GITHUB_EXPORT
    world: World = request.getfixturevalue("world")
    _, step_env, export, _ = request.getfixturevalue("github_steps")
    assert export.returncode == 0, export.stderr
    token = step_env[PASSWORD_VAR]
    assert token in world.codeartifact.issued and step_env[USER_VAR] == "aws"
    assert f"::add-mask::{token}" in export.stdout.splitlines()


def run_github_sync_locked(request: pytest.FixtureRequest, command: str) -> None:
    assert command == GITHUB_SYNC
    project, _, _, sync = request.getfixturevalue("github_steps")
    assert sync.returncode == 0, sync.stderr
    assert venv_has_tinypkg(project)


# --- the other uvcreds commands ------------------------------------------------------------


def run_plain_export(request: pytest.FixtureRequest, command: str) -> None:
    """`export` lines that bash sources (as in the Docker recipe) into the credential."""
    world: World = request.getfixturevalue("world")
    project = world.project("export")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    secrets = world.root / "export.sh"
    secrets.write_text(done.stdout)
    sourced = world.bash(f". {shlex.quote(str(secrets))} && {SHOW_ENV}", project)
    (shown,) = re.findall(r"ENV(\{.*\})", sourced.stdout)
    values = json.loads(shown)
    assert values[USER_VAR] == "aws" and values[PASSWORD_VAR] in world.codeartifact.issued


def run_export_debug(request: pytest.FixtureRequest, command: str) -> None:
    """stderr names the files read and the cache decision, never the token."""
    world: World = request.getfixturevalue("world")
    project = world.project("export-debug")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert f"uvcreds: debug: reading {project / 'pyproject.toml'}" in done.stderr.splitlines()
    assert f"uvcreds: debug: reading {world.env['UVCREDS_CONFIG']}" in done.stderr.splitlines()
    assert not any(token in done.stderr for token in world.codeartifact.issued)
    assert PASSWORD_VAR in done.stdout


def run_export_dotenv(request: pytest.FixtureRequest, command: str) -> None:
    """A file python-dotenv (as the VS Code Python extension) reads back to the values."""
    from dotenv import dotenv_values

    world: World = request.getfixturevalue("world")
    project = world.project("dotenv")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    dotenv = project / ".env.uvcreds"
    dotenv.write_text(done.stdout)
    assert dotenv_values(dotenv) == world.exported(project)


def run_export_script(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    project = world.script_project("export-script")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert f"export {USER_VAR}=aws;" in done.stdout.splitlines()
    assert f"export {PASSWORD_VAR}=" in done.stdout


def run_exec_uv_run_script(request: pytest.FixtureRequest, command: str) -> None:
    world: World = request.getfixturevalue("world")
    project = world.script_project("exec-run-script")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tinypkg 0.1.0\n"


def run_uv_lock_script(request: pytest.FixtureRequest, command: str) -> None:
    """With what `uvcreds export --script s.py` exports, uv locks the script."""
    world: World = request.getfixturevalue("world")
    project = world.script_project("lock-script")
    env = {**world.env, **world.exported(project, "--script", "s.py")}
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert locked_tinypkg(project / "s.py.lock")


def run_doctor(request: pytest.FixtureRequest, command: str) -> None:
    """It probes the index without and with the credential and finds it good."""
    world: World = request.getfixturevalue("world")
    project = world.project("doctor")
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert re.search(r"probe: +without the credential: 401; with it: 200", done.stdout)
    assert re.search(r"diagnosis: +good", done.stdout), done.stdout


def run_refresh(request: pytest.FixtureRequest, command: str) -> None:
    """A new token now, though the cached one is fresh; export then gives the new one."""
    world: World = request.getfixturevalue("world")
    project = world.project("refresh")
    first = world.exported(project)[PASSWORD_VAR]
    before = len(world.token_requests())
    done = world.bash(command, project)
    assert done.returncode == 0, done.stderr
    assert len(world.token_requests()) == before + 1
    assert world.exported(project)[PASSWORD_VAR] == world.codeartifact.issued[-1] != first


def _cached(env: Mapping[str, str]) -> int:
    tokens = Path(env["UVCREDS_CACHE_DIR"]) / "tokens.json"
    return len(json.loads(tokens.read_text())["tokens"]) if tokens.exists() else 0


def run_logout(request: pytest.FixtureRequest, command: str) -> None:
    """The project's token is forgotten: status says none, the next export mints anew."""
    world: World = request.getfixturevalue("world")
    env = world.make_env("logout")
    project = world.project("logout")
    world.exported(project, env=env)
    assert _cached(env) == 1
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert _cached(env) == 0
    assert re.search(r"^  token: +none", world.bash("uvcreds status", project, env).stdout, re.M)


def run_logout_all(request: pytest.FixtureRequest, command: str) -> None:
    """Every cached token is forgotten, this project's and another's."""
    world: World = request.getfixturevalue("world")
    env = world.make_env("logout-all")
    project = world.project("logout-all")
    world.exported(project, env=env)
    world.exported(world.project("logout-all-exact", exact=True), env=env)
    assert _cached(env) == 2
    done = world.bash(command, world.root, env)
    assert done.returncode == 0, done.stderr
    assert _cached(env) == 0


def run_allow(request: pytest.FixtureRequest, command: str) -> None:
    """Team settings that route a secret are ignored until allowed, then used."""
    world: World = request.getfixturevalue("world")
    project = world.team_project("allow")
    env = {**world.env, "TEAM_TOKEN": "team-secret"}
    before = world.bash("uvcreds export", project, env)
    assert "uvcreds allow" in before.stderr and PASSWORD_VAR not in before.stdout
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert world.exported(project, env=env)[PASSWORD_VAR] == "team-secret"
    locked = world.bash('eval "$(uvcreds export)" && uv lock', project, env)
    assert locked.returncode == 0, locked.stderr


def run_deny(request: pytest.FixtureRequest, command: str) -> None:
    """An allowed project's settings stop counting, and stay denied after an edit."""
    world: World = request.getfixturevalue("world")
    project = world.team_project("deny")
    env = {**world.env, "TEAM_TOKEN": "team-secret"}
    assert world.bash("uvcreds allow", project, env).returncode == 0
    assert PASSWORD_VAR in world.exported(project, env=env)
    done = world.bash(command, project, env)
    assert done.returncode == 0, done.stderr
    assert PASSWORD_VAR not in world.exported(project, env=env)
    with (project / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# edited\n")
    assert PASSWORD_VAR not in world.exported(project, env=env)


# --- install lines: they need the package registry ------------------------------------------


@pytest.fixture(scope="session")
def install_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uv cache for every install line of the session."""
    return tmp_path_factory.mktemp("uv-install-cache")


def _tool_install(
    request: pytest.FixtureRequest, command: str, cwd: Path
) -> tuple[Path, dict[str, str]]:
    """Run an install line word for word with its own tool and bin directories; returns
    the bin directory and an environment with it first on PATH."""
    cache: Path = request.getfixturevalue("install_cache")
    root: Path = request.getfixturevalue("tmp_path")
    env = make_isolated_env(root / "env")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    env.update(
        UV_TOOL_DIR=str(root / "tools"), UV_TOOL_BIN_DIR=str(root / "bin"), UV_CACHE_DIR=str(cache)
    )
    done = run(["bash", "-c", command], env, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stderr
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env['PATH']}"
    return root / "bin", env


def _backends(bin_dir: Path, env: Mapping[str, str]) -> str:
    listed = run([str(bin_dir / "keyring"), "--list-backends"], env)
    assert listed.returncode == 0, listed.stderr
    return listed.stdout


def run_tool_install_checkout(request: pytest.FixtureRequest, command: str) -> None:
    """From the checkout's root: the installed uvcreds runs and prints its shell snippet."""
    bin_dir, env = _tool_install(request, command, ROOT)
    version = run([str(bin_dir / "uvcreds"), "-V"], env)
    assert version.stdout == f"uvcreds, version {uvcreds.__version__}\n", version.stderr
    init = run([str(bin_dir / "uvcreds"), "init", "bash"], env)
    assert init.returncode == 0 and "uvcreds for bash" in init.stdout, init.stderr


def run_tool_install_not_on_pypi(request: pytest.FixtureRequest, command: str) -> None:
    """The README says this does not work (uvcreds is not on PyPI): it fails so. UV_NO_BUILD
    keeps uv from building whatever might one day be published under that name."""
    cache: Path = request.getfixturevalue("install_cache")
    root: Path = request.getfixturevalue("tmp_path")
    env = make_isolated_env(root / "env")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    env.update(UV_TOOL_DIR=str(root / "tools"), UV_TOOL_BIN_DIR=str(root / "bin"))
    env.update(UV_CACHE_DIR=str(cache), UV_NO_BUILD="1")
    done = run(["bash", "-c", command], env, cwd=root, timeout=300)
    assert done.returncode != 0
    assert "uvcreds was not found in the package registry" in done.stderr, done.stderr


def run_keyring_with_checkout(request: pytest.FixtureRequest, command: str) -> None:
    """That keyring lists uvcreds' backend, and the keyring route works: the README's two
    `export` lines, then uv lock asks that keyring, which answers with the minted token."""
    world: World = request.getfixturevalue("world")
    bin_dir, env = _tool_install(request, command, ROOT)
    assert "uvcreds.keyring" in _backends(bin_dir, env)
    project = world.project("keyring-route")
    route_env = {**world.env, "PATH": f"{bin_dir}{os.pathsep}{world.env['PATH']}"}
    script = f"{EXPORT_PROVIDER}\n{EXPORT_USERNAME}\nuv lock"
    done = world.bash(script, project, route_env)
    assert done.returncode == 0, done.stderr
    assert locked_tinypkg(project / "uv.lock")


def _plugin_check(backend: str) -> Callable[[pytest.FixtureRequest, str], None]:
    def check(request: pytest.FixtureRequest, command: str) -> None:
        root: Path = request.getfixturevalue("tmp_path")
        bin_dir, env = _tool_install(request, command, root)
        assert f"\n{backend}." in "\n" + _backends(bin_dir, env)

    check.__doc__ = f"The vendor's plugin: that keyring lists the `{backend}` backend."
    return check


# --- pip, twine and Poetry through uvcreds' keyring backend ---------------------------------

# The README's recipes, in its order: installs from the checkout's root, then the project's.
RECIPE_INSTALLS = (
    "python -m pip install -U pip keyring .",
    "uv tool install keyring --with .",
    "uv tool install twine --with .",
    "uv tool install poetry",
    'poetry self add "$PWD"',
)
RECIPE_USES = (
    'python -m pip install --keyring-provider import --index-url "$INDEX_URL" tinypkg',
    'python -m pip install --keyring-provider subprocess --index-url "$INDEX_URL" tinypkg',
    'twine upload --repository-url "$UPLOAD_URL" dist/*',
    'poetry source add --priority=primary private-registry "$INDEX_URL"',
    "poetry lock",
)
POETRY_PROJECT = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
POETRY_PROJECT += 'dependencies = ["tinypkg"]\n'


@dataclass(frozen=True)
class Recipes:
    """What each recipe line did: its run, and the requests the index got meanwhile."""

    project: Path
    venv: Path
    wheel: Path
    done: dict[str, tuple[subprocess.CompletedProcess[str], list[IndexRequest]]]
    installed: dict[str, bool]  # for each pip line: tinypkg in the venv right after it


@pytest.fixture(scope="module")
def recipes(world: World, tmp_path_factory: pytest.TempPathFactory) -> Recipes:
    """Every recipe line word for word in one environment, as a user types them: a fresh
    virtual environment first on PATH (pip's `python`), the tools' bin directory before it,
    the index bound in the user's config by its root URL (as the tour binds it), INDEX_URL and
    UPLOAD_URL set. Before each pip line tinypkg is uninstalled, so pip has to fetch it."""
    root = tmp_path_factory.mktemp("recipes")
    env = world.make_env("recipes")
    config = Path(env["UVCREDS_CONFIG"])
    config.write_text(f'[[credential]]\nurl = "{world.index.url}"\n{TOUR_BINDING}')
    venv = root / "venv"
    made = run([sys.executable, "-m", "venv", str(venv)], env, root, timeout=120)
    assert made.returncode == 0, made.stderr
    tools = root / "tools"
    env.pop("UV_NO_CACHE")
    env.update(
        UV_TOOL_DIR=str(tools / "lib"),
        UV_TOOL_BIN_DIR=str(tools / "bin"),
        UV_CACHE_DIR=str(tmp_path_factory.mktemp("recipes-uv-cache")),
        PATH=os.pathsep.join([str(tools / "bin"), str(venv / "bin"), env["PATH"]]),
        INDEX_URL=world.index.simple_url,
        UPLOAD_URL=world.index.upload_url,
        PIP_NO_CACHE_DIR="1",
        PIP_NO_INPUT="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        TWINE_NON_INTERACTIVE="1",
        POETRY_NO_INTERACTION="1",
    )
    project = root / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(POETRY_PROJECT)
    wheel = build_wheel(project / "dist", "recipe-upload", "1.0.0")
    done: dict[str, tuple[subprocess.CompletedProcess[str], list[IndexRequest]]] = {}
    installed: dict[str, bool] = {}
    for command in (*RECIPE_INSTALLS, *RECIPE_USES):
        if command.startswith("python -m pip install --keyring-provider"):
            run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-y", "tinypkg"], env)
        before = len(world.index.requests)
        cwd = ROOT if command in RECIPE_INSTALLS else project
        ran = run(["bash", "-c", command], env, cwd, timeout=600)
        done[command] = (ran, world.index.requests[before:])
        installed[command] = bool(list(venv.glob("lib/python*/site-packages/tinypkg/__init__.py")))
    return Recipes(project, venv, wheel, done, installed)


def run_recipe(request: pytest.FixtureRequest, command: str) -> None:
    """The line worked; a line that talks to the index got in with the minted token, from
    uvcreds' keyring backend (nothing else in that environment knows it)."""
    world: World = request.getfixturevalue("world")
    recipes: Recipes = request.getfixturevalue("recipes")
    done, requests = recipes.done[command]
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    assert not any(token in done.stdout + done.stderr for token in world.codeartifact.issued)
    if command in RECIPE_INSTALLS:
        return
    if command.startswith("poetry source add"):
        assert 'name = "private-registry"' in (recipes.project / "pyproject.toml").read_text()
        return
    method = "POST" if command.startswith("twine ") else "GET"
    answered = {(r.method, r.username, r.status) for r in requests if r.password}
    assert (method, "aws", 200) in answered, (command, requests)
    assert all(r.password in world.codeartifact.issued for r in requests if r.password)
    if command.startswith("python -m pip"):
        assert recipes.installed[command]
    elif command.startswith("twine "):
        assert (world.index.packages_dir / recipes.wheel.name).is_file()
    else:
        assert locked_tinypkg(recipes.project / "poetry.lock")


# --- the two scripts -------------------------------------------------------------------------


def run_demo_sh(request: pytest.FixtureRequest, command: str) -> None:
    """Delegated: tests/e2e/test_demo.py runs `scripts/demo.sh` word for word in a fresh copy of
    the checkout (so the demo runs once in the suite); here, only that it does."""
    from tests.e2e import test_demo

    assert command == test_demo.COMMAND
    assert callable(test_demo.test_scripts_demo_sh_works_from_a_fresh_copy)


def run_test_sh(request: pytest.FixtureRequest, command: str) -> None:
    """The one command not run here: the suite cannot run itself. CI runs it (`.ci/run`),
    so this checks that .ci/run invokes exactly scripts/test.sh, with no arguments, and that
    the script is executable and a bash script (so `scripts/test.sh` is `bash scripts/test.sh`)."""
    steps = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert steps == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', f"exec bash {command}"]
    script = ROOT / command
    assert os.access(script, os.X_OK)
    assert script.read_text().splitlines()[0] == "#!/usr/bin/env bash"


# --- the table -----------------------------------------------------------------------------

Runner = Callable[[pytest.FixtureRequest, str], None]
RUNNERS: dict[str, Runner] = {
    "scripts/demo.sh": run_demo_sh,
    "scripts/test.sh": run_test_sh,
    "uv sync": run_uv_sync,
    TOUR_LOCK: run_uv_lock,
    "uv publish": run_plain_uv_publish,
    TOUR_EXPORT: run_eval_export,
    'eval "$(uvcreds export --format direnv)"': run_direnv_export,
    "uv tool install uvcreds": run_tool_install_not_on_pypi,
    "uv tool install .": run_tool_install_checkout,
    "cat pyproject.toml": run_cat_pyproject,
    "uvcreds status": run_status,
    TOUR_ECHO: run_echo_bashrc,
    "uvcreds export --script s.py": run_export_script,
    "uvcreds exec -- uv run s.py": run_exec_uv_run_script,
    "uv lock --script s.py": run_uv_lock_script,
    "uvcreds allow": run_allow,
    "uv tool install keyring --with keyrings.codeartifact": _plugin_check("keyrings.codeartifact"),
    "uv tool install keyring --with .": run_keyring_with_checkout,
    EXPORT_PROVIDER: run_export_keyring_provider,
    EXPORT_USERNAME: run_export_username,
    "uvcreds init bash --keyring": run_init_bash_keyring,
    "uv tool install keyring --with keyrings.google-artifactregistry-auth": _plugin_check(
        "keyrings.gauth"
    ),
    "uv tool install keyring --with artifacts-keyring": _plugin_check("artifacts_keyring"),
    BASH_LINE: run_bash_line,
    'eval "$(uvcreds init zsh)"': run_zsh_line,
    "uvcreds init fish | source": run_fish_line,
    "Invoke-Expression ((& uvcreds init pwsh) -join [Environment]::NewLine)": run_pwsh_line,
    "uvcreds refresh": run_refresh,
    "uvcreds logout": run_logout,
    'eval "$(_UVCREDS_COMPLETE=bash_source uvcreds)"': run_bash_completion,
    'eval "$(_UVCREDS_COMPLETE=zsh_source uvcreds)"': run_zsh_completion,
    "_UVCREDS_COMPLETE=fish_source uvcreds | source": run_fish_completion,
    'eval "$(uvcreds init bash --keyring)"': run_eval_init_bash_keyring,
    "uvcreds exec --keyring -- uv lock": run_exec_keyring,
    'eval "$(uvcreds init bash --store)"': run_eval_init_bash_store,
    "uvcreds exec --store -- uv lock": run_exec_store,
    "uvcreds exec -- uv sync": run_vscode_task,
    "uvcreds export --format dotenv": run_export_dotenv,
    GITHUB_EXPORT: run_export_github,
    GITHUB_SYNC: run_github_sync_locked,
    "uvcreds exec -- uv sync --locked": run_exec_sync_locked,
    "uvcreds export": run_plain_export,
    "uvcreds exec --publish private-registry -- uv publish --index private-registry": (
        run_exec_publish
    ),
    "uvcreds doctor": run_doctor,
    "uvcreds deny": run_deny,
    "uvcreds logout --all": run_logout_all,
    "uvcreds export --debug": run_export_debug,
    **dict.fromkeys(RECIPE_INSTALLS[:1] + RECIPE_INSTALLS[2:] + RECIPE_USES, run_recipe),
}
# The lines that install from the package registry (scripts/demo.sh's test is marked there).
NETWORK = {command for command in RUNNERS if command.startswith("uv tool install ")}
NETWORK |= {*RECIPE_INSTALLS, *RECIPE_USES}  # the recipes' fixture installs from it


def test_the_readme_commands_are_the_runners() -> None:
    commands = readme_commands(README_TEXT)
    assert len(commands) == len(set(commands))
    assert sorted(set(commands) - set(RUNNERS)) == [], "README commands without a runner"
    assert sorted(set(RUNNERS) - set(commands)) == [], "runners for no README command"


def test_the_rule_reads_markdown_as_github_shows_it() -> None:
    text = "\n".join(
        [
            "- Run `uvcreds\n  status` or `uv lock`, not `uvcreds export [--publish NAME]`,",
            "  `uvcreds exec`, `uvcreds keyring get SERVICE`, `sh|fish`, `a … b` or `ls -l`.",
            "",
            "| shell | line |",
            "|---|---|",
            "| fish | `uvcreds init fish \\| source` in `config.fish` |",
            "| x | `Any [line]` |",
            "",
            "```sh",
            "# a comment",
            "uv sync",
            "```",
            "",
            "```console",
            "$ uvcreds status",
            "output $ not a command",
            "```",
            "",
            "```yaml",
            "- uses: some/action@v1",
            "- run: uvcreds export --format github",
            "```",
            "",
            "```toml",
            'command = ["uv", "lock"]',
            "```",
        ]
    )
    assert readme_commands(text) == [
        "uvcreds status",
        "uv lock",
        "uvcreds init fish | source",
        "Any [line]",
        "uv sync",
        "uvcreds export --format github",
    ]


@pytest.mark.parametrize(("mention", "error"), MENTIONS.items())
def test_a_mention_is_a_subcommand_that_needs_arguments(
    mention: str, error: str, world: World
) -> None:
    """Rule 2b's exceptions are in the README as code spans, and typed as they stand they
    are usage errors, not commands that work."""
    spans = [
        child.content
        for token in MarkdownIt("commonmark").enable("table").parse(README_TEXT)
        for child in token.children or []
        if child.type == "code_inline"
    ]
    assert mention in spans
    done = world.bash(mention, world.project(f"mention-{mention.replace(' ', '-')}"))
    assert done.returncode == 2 and error in done.stderr, done.stderr


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(command, id=command, marks=[pytest.mark.network_install])
        if command in NETWORK
        else pytest.param(command, id=command)
        for command in RUNNERS
    ],
)
def test_the_readme_command_works(command: str, request: pytest.FixtureRequest) -> None:
    RUNNERS[command](request, command)
