"""`uvcreds exec`: the child gets the credentials; its exit status and signals come back."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.testing.helpers import credential, run, uvcreds_cmd, write_project, write_user_config


@pytest.fixture
def project(tmp_path: Path, isolated_env: dict[str, str]) -> Path:
    write_project(tmp_path / "p", [("corp", "https://corp.example/simple/")], publish_urls=True)
    write_user_config(isolated_env, credential("https://corp.example/", "T", username="me"))
    isolated_env["T"] = "tok"
    return tmp_path / "p"


def test_the_child_sees_the_credentials(project: Path, isolated_env: dict[str, str]) -> None:
    show = (
        'printf "%s|%s|%s" "$UV_INDEX_CORP_USERNAME" "$UV_INDEX_CORP_PASSWORD" "${UV_PUBLISH_URL-}"'
    )
    result = run([*uvcreds_cmd(), "exec", "--", "sh", "-c", show], isolated_env, cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "me|tok|", "")


def test_publish_adds_uv_publish_variables(project: Path, isolated_env: dict[str, str]) -> None:
    show = 'printf "%s|%s|%s" "$UV_PUBLISH_USERNAME" "$UV_PUBLISH_PASSWORD" "$UV_PUBLISH_INDEX"'
    argv = [*uvcreds_cmd(), "exec", "--publish", "corp", "--", "sh", "-c", show]
    result = run(argv, isolated_env, cwd=project)
    assert result.stdout == "me|tok|corp"


def test_publish_needs_a_publish_url(project: Path, isolated_env: dict[str, str]) -> None:
    """Else a plain `uv publish` would send the index's credential to PyPI."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('publish-url = "https://corp.example/"', ""))
    argv = [*uvcreds_cmd(), "exec", "--publish", "corp", "--", "true"]
    result = run(argv, isolated_env, cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        f"uvcreds: --publish corp: the index has no publish-url in {pyproject}; add one, so the "
        "credential goes nowhere else\n"
    )


def test_exit_status_passes_through(project: Path, isolated_env: dict[str, str]) -> None:
    result = run([*uvcreds_cmd(), "exec", "--", "sh", "-c", "exit 7"], isolated_env, cwd=project)
    assert (result.returncode, result.stderr) == (7, "")


def test_a_signal_that_ends_the_child_ends_uvcreds_alike(
    project: Path, isolated_env: dict[str, str]
) -> None:
    argv = [*uvcreds_cmd(), "exec", "--", "sh", "-c", "kill -TERM $$"]
    assert run(argv, isolated_env, cwd=project).returncode == -signal.SIGTERM


def test_sigterm_to_uvcreds_reaches_the_child(
    project: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    marker = tmp_path / "child-got-term"
    ready = tmp_path / "ready"
    script = f"trap 'touch {marker}; exit 5' TERM; touch {ready}; while :; do sleep 0.05; done"
    process = subprocess.Popen(
        [*uvcreds_cmd(), "exec", "--", "sh", "-c", script], env=isolated_env, cwd=project
    )
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 5
    assert marker.exists()


def test_publish_for_an_unknown_index_runs_nothing(
    project: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    canary = tmp_path / "ran"
    argv = [*uvcreds_cmd(), "exec", "--publish", "nope", "--", "touch", str(canary)]
    result = run(argv, isolated_env, cwd=project)
    assert result.returncode == 1
    assert result.stderr == "uvcreds: --publish nope: no index named 'nope' here (found: corp)\n"
    assert not canary.exists()


def test_a_missing_command_is_one_line(project: Path, isolated_env: dict[str, str]) -> None:
    result = run([*uvcreds_cmd(), "exec", "--", "no-such-program-x"], isolated_env, cwd=project)
    assert result.returncode == 127  # as a shell says of a command it cannot find
    assert result.stderr == "uvcreds: cannot run 'no-such-program-x': not found\n"


def test_a_publish_url_on_another_host_needs_its_own_binding(
    project: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    """A cloned repository must not route the index's credential to its own upload host, and
    an allow does not change that: only a binding that covers the publish URL does."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'publish-url = "https://corp.example/"', 'publish-url = "https://evil.example/"'
        )
    )
    canary = tmp_path / "ran"
    argv = [*uvcreds_cmd(), "exec", "--publish", "corp", "--", "touch", str(canary)]
    refused = run(argv, isolated_env, cwd=project)
    assert refused.returncode == 1
    assert refused.stderr == (
        "uvcreds: --publish corp: no credential is bound to its publish-url "
        f"https://evil.example/ (defined in {pyproject}); UV_PUBLISH_* are not set. If uploads "
        "go there, bind that URL in your config\n"
    )
    assert run([*uvcreds_cmd(), "allow"], isolated_env, cwd=project).returncode == 0
    assert run(argv, isolated_env, cwd=project).stderr == refused.stderr
    assert not canary.exists()
    config = Path(isolated_env["UVCREDS_CONFIG"])
    config.write_text(config.read_text() + credential("https://evil.example/", "T", username="me"))
    assert run(argv, isolated_env, cwd=project).returncode == 0
    assert canary.exists()


def test_keyring_mode_puts_no_password_in_the_environment(
    project: Path, isolated_env: dict[str, str]
) -> None:
    """exec --keyring: the username, UV_KEYRING_PROVIDER and uvcreds' keyring first on PATH,
    which answers for the bound index URL; no password anywhere in the child's environment."""
    show = "env; printf '#'; keyring get https://corp.example/simple/ me"
    result = run(
        [*uvcreds_cmd(), "exec", "--keyring", "--", "sh", "-c", show], isolated_env, cwd=project
    )
    env_dump, answer = result.stdout.split("#", 1)
    assert (result.returncode, answer, result.stderr) == (0, "tok\n", "")
    lines = env_dump.splitlines()
    assert "UV_INDEX_CORP_USERNAME=me" in lines and "UV_KEYRING_PROVIDER=subprocess" in lines
    assert not [line for line in lines if "_PASSWORD=" in line]
    path = next(line for line in lines if line.startswith("PATH="))
    assert path.startswith(f"PATH={Path(isolated_env['UVCREDS_CACHE_DIR']) / 'bin'}:")
    assert "tok" not in env_dump.replace("T=tok", "")  # the user's own variable, not ours


def test_a_failing_uv_gets_a_hint_naming_doctor(
    project: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    fake_uv = tmp_path / "bin" / "uv"
    fake_uv.parent.mkdir()
    fake_uv.write_text("#!/bin/sh\nexit 2\n")
    fake_uv.chmod(0o755)
    result = run([*uvcreds_cmd(), "exec", "--", str(fake_uv), "lock"], isolated_env, cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        "uvcreds: uv exited with 2; if index 'corp' or another that uvcreds manages refused "
        "its credential (or said a package does not exist), `uvcreds doctor` says why\n"
    )


def test_keyring_mode_answers_pips_form_too(project: Path, isolated_env: dict[str, str]) -> None:
    """pip runs `keyring --mode=creds --output=json get URL`: the same answer, as JSON."""
    ask = "keyring --mode=creds --output=json get https://corp.example/simple/"
    result = run(
        [*uvcreds_cmd(), "exec", "--keyring", "--", "sh", "-c", ask], isolated_env, cwd=project
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        '{"username":"me","password":"tok"}\n',
        "",
    )


def test_a_child_killed_by_sigkill_ends_uvcreds_alike(
    project: Path, isolated_env: dict[str, str]
) -> None:
    """SIGKILL (the OOM killer's) has no handler to reset: no traceback, the same end."""
    argv = [*uvcreds_cmd(), "exec", "--", "sh", "-c", "kill -KILL $$"]
    result = run(argv, isolated_env, cwd=project)
    assert (result.returncode, result.stderr) == (-signal.SIGKILL, "")
