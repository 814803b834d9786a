"""Every `export --format` parsed back by its own consumer yields exactly the values."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from dotenv import dotenv_values

from tests.testing.helpers import run, uvcreds_cmd, write_project, write_user_config

TRICKY = [
    "plain-token_1.2/3+4=",
    'it\'s "quoted" \\ back\\slash',
    "$(touch CANARY) `touch CANARY` ${HOME} $HOME !! *?[a]",
    "two\nlines\r\nand\ttab",
    "-n --leading-dashes",
    "caf\u00e9 \u65e5\u672c \u2018pwsh quotes\u2019",
    "%25 %0A ::add-mask:: <<EOF",
    "",
]


def project_with_secrets(tmp_path: Path, env: dict[str, str], values: list[str]) -> Path:
    """One env-provider index per value, each bound to its variable in the user config."""
    project = tmp_path / "project"
    indexes = [(f"idx{i}", f"https://idx{i}.example/simple/") for i in range(len(values))]
    write_project(project, indexes)
    write_user_config(
        env,
        "".join(
            f'[[credential]]\nurl = "https://idx{i}.example/"\nprovider = "env"\n'
            f'username-env = "USER_{i}"\npassword-env = "SECRET_{i}"\n'
            for i in range(len(values))
        ),
    )
    for i, value in enumerate(values):
        env[f"SECRET_{i}"] = value
        env[f"USER_{i}"] = f"user {value}"
    return project


def expected(values: list[str]) -> dict[str, str]:
    out = {}
    for i, value in enumerate(values):
        out[f"UV_INDEX_IDX{i}_USERNAME"] = f"user {value}"
        out[f"UV_INDEX_IDX{i}_PASSWORD"] = value
    return out


@pytest.fixture
def exported(tmp_path: Path, isolated_env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    project = project_with_secrets(tmp_path, isolated_env, TRICKY)
    return project, isolated_env


def export(project: Path, env: dict[str, str], format_name: str, stderr: str = "") -> str:
    """stdout, as bytes decoded without newline translation (values may hold CR)."""
    result = subprocess.run(
        [*uvcreds_cmd(), "export", "--format", format_name],
        env=env,
        cwd=project,
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == stderr
    return result.stdout.decode("utf-8")


def read_back_in_shell(shell: list[str], code: str, names: list[str], cwd: Path) -> dict[str, str]:
    """Evaluate `code` in a clean shell, then print each variable NUL-terminated."""
    printer = " ; ".join(f"printf '%s\\0' \"${name}\"" for name in names)
    script = f"{code}\n{printer}"
    result = subprocess.run(
        [*shell, script], capture_output=True, cwd=cwd, env={"PATH": "/usr/bin:/bin"}, check=True
    )
    return dict(zip(names, result.stdout.decode("utf-8").split("\0")[:-1]))


@pytest.mark.parametrize("shell", [["bash", "-c"], ["zsh", "-f", "-c"]])
def test_sh_format_round_trips_in_bash_and_zsh(
    shell: list[str], exported: tuple[Path, dict[str, str]]
) -> None:
    project, env = exported
    code = export(project, env, "sh")
    want = expected(TRICKY)
    assert read_back_in_shell(shell, code, list(want), project) == want
    assert not (project / "CANARY").exists()


def test_fish_format_round_trips_in_fish(exported: tuple[Path, dict[str, str]]) -> None:
    project, env = exported
    code = export(project, env, "fish")
    want = expected(TRICKY)
    printer = "; ".join(f"printf '%s\\0' \"${name}\"" for name in want)
    result = subprocess.run(
        ["fish", "--no-config", "-c", f"{code}\n{printer}"],
        capture_output=True,
        cwd=project,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert dict(zip(want, result.stdout.decode("utf-8").split("\0")[:-1])) == want
    assert not (project / "CANARY").exists()


INTERPOLATION_WARNINGS = "".join(
    f"uvcreds: UV_INDEX_IDX2_{kind} contains '${{', which dotenv readers that interpolate "
    "(python-dotenv by default) will expand; read the file with interpolation off\n"
    for kind in ("USERNAME", "PASSWORD")
)


def test_dotenv_format_round_trips_through_python_dotenv(
    exported: tuple[Path, dict[str, str]],
) -> None:
    project, env = exported
    text = export(project, env, "dotenv", stderr=INTERPOLATION_WARNINGS)
    assert dotenv_values(stream=io.StringIO(text), interpolate=False) == expected(TRICKY)
    # With interpolation on, only the values the warning named differ.
    interpolated = dotenv_values(stream=io.StringIO(text), interpolate=True)
    differing = {k for k, v in expected(TRICKY).items() if interpolated[k] != v}
    assert differing == {"UV_INDEX_IDX2_USERNAME", "UV_INDEX_IDX2_PASSWORD"}


def test_json_format_round_trips_through_json_loads(exported: tuple[Path, dict[str, str]]) -> None:
    project, env = exported
    assert json.loads(export(project, env, "json")) == expected(TRICKY)


def parse_github_env(text: str) -> dict[str, str]:
    """GitHub's documented env-file syntax: NAME=value, or NAME<<DELIMITER, lines, DELIMITER
    (lines split at LF, as the runner does on Linux)."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for body_line in lines:
                if body_line == delimiter:
                    break
                body.append(body_line)
            else:
                raise AssertionError(f"no closing delimiter for {name}")
            values[name] = "\n".join(body)
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def test_github_format_appends_to_github_env_and_masks_secrets(
    tmp_path: Path, exported: tuple[Path, dict[str, str]]
) -> None:
    project, env = exported
    github_env = tmp_path / "github_env"
    github_env.write_text("EARLIER=kept\n")
    stdout = export(project, {**env, "GITHUB_ENV": str(github_env)}, "github")
    assert parse_github_env(github_env.read_bytes().decode()) == {
        "EARLIER": "kept",
        **expected(TRICKY),
    }
    masked = [line.removeprefix("::add-mask::") for line in stdout.splitlines()]
    assert all(line.startswith("::add-mask::") for line in stdout.splitlines())
    for value in TRICKY:
        for secret_line in value.splitlines():
            if secret_line.strip():
                escaped = secret_line.replace("%", "%25").replace("\r", "%0D")
                assert escaped in masked
    assert not any("user " in line for line in masked)


def test_github_format_without_github_env_is_an_error(
    exported: tuple[Path, dict[str, str]],
) -> None:
    project, env = exported
    result = run([*uvcreds_cmd(), "export", "--format", "github"], env, cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "uvcreds: --format github: GITHUB_ENV is not set; run this in a GitHub Actions step\n"
    )
