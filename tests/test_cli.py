"""Command-line behaviour: one-line errors, exit statuses, status output, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.testing.helpers import run, uvcreds_cmd, write_project, write_user_config


def uvcreds(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    result = run([*uvcreds_cmd(), *args], env, cwd=cwd)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_malformed_pyproject_names_file_and_line(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.uv]\n[[tool.uv.index]]\nname = "x\n')
    code, out, err = uvcreds(isolated_env, tmp_path, "export")
    assert (code, out) == (1, "")
    assert err.startswith(f"uvcreds: {tmp_path / 'pyproject.toml'}: invalid TOML: ")
    assert "(at line 3, column " in err and err.endswith("; fix the file\n")
    assert err.count("\n") == 1


def test_unknown_provider_lists_the_known_ones(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    write_project(tmp_path, [("corp", "https://corp.example/simple/")])
    config = write_user_config(
        isolated_env, '[[credential]]\nurl = "https://corp.example/"\nprovider = "nexus"\n'
    )
    code, out, err = uvcreds(isolated_env, tmp_path, "export")
    assert (code, out) == (1, "")
    assert err.startswith(
        f"uvcreds: index 'corp' ({config} ([[credential]] https://corp.example/)): "
        "unknown provider 'nexus' (known: "
    )
    assert "env" in err and "jfrog" in err and err.count("\n") == 1


def test_unknown_setting_is_named(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    write_project(tmp_path, [("corp", "https://corp.example/simple/")])
    config = write_user_config(
        isolated_env,
        '[[credential]]\nurl = "https://corp.example/"\nprovider = "env"\npasword-env = "X"\n',
    )
    code, _, err = uvcreds(isolated_env, tmp_path, "export")
    assert code == 1
    assert err == (
        f"uvcreds: {config} ([[credential]] https://corp.example/): unknown setting "
        "'pasword-env' (known: password-env, provider, username, username-env)\n"
    )


def test_invalid_index_name_is_reported_and_the_rest_exported(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    write_project(tmp_path, [("ok", "https://ok.example/simple/"), ("no/slash", "https://x/")])
    write_user_config(
        isolated_env,
        '[[credential]]\nurl = "https://ok.example/"\nprovider = "env"\npassword-env = "T"\n',
    )
    code, out, err = uvcreds({**isolated_env, "T": "tok"}, tmp_path, "export", "--format", "json")
    assert code == 1
    assert json.loads(out) == {"UV_INDEX_OK_USERNAME": "", "UV_INDEX_OK_PASSWORD": "tok"}
    assert err == (
        f"uvcreds: {tmp_path / 'pyproject.toml'}: [[tool.uv.index]] entry 2: index name "
        "'no/slash' has '/': uv allows only ASCII letters, digits, '-', '_' and '.'; rename it\n"
    )


def test_a_secret_bound_to_no_url_is_not_sent(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    """JFrog is recognised by its path, but nothing names a secret for this URL."""
    url = "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple"
    write_project(tmp_path, [("acme", url)])
    code, out, err = uvcreds({**isolated_env, "JFROG_TOKEN": "t"}, tmp_path, "export")
    assert (code, out) == (1, "")
    assert err == (
        f"uvcreds: index 'acme': no secret is bound to {url}; add a [[credential]] with this "
        'url and password-env = "VARIABLE" to your uvcreds config\n'
    )


def test_public_indexes_need_nothing(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    write_project(tmp_path, [("pytorch", "https://download.pytorch.org/whl/cpu")])
    assert uvcreds(isolated_env, tmp_path, "export") == (0, "", "")


def test_status_shows_everything_but_the_secret(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    write_project(tmp_path, [("corp.v2", "https://corp.example/simple/")])
    config = write_user_config(
        isolated_env,
        '[[credential]]\nurl = "https://corp.example/"\nprovider = "env"\n'
        'username = "me"\npassword-env = "CORP_TOKEN"\n',
    )
    env = {**isolated_env, "CORP_TOKEN": "s3cr3t-value"}
    code, out, err = uvcreds(env, tmp_path, "status", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {
            "name": "corp.v2",
            "url": "https://corp.example/simple/",
            "source": str(tmp_path / "pyproject.toml"),
            "role": "settings",
            "provider": "env",
            "username_var": "UV_INDEX_CORP_V2_USERNAME",
            "password_var": "UV_INDEX_CORP_V2_PASSWORD",
            "settings": f"{config} ([[credential]] https://corp.example/)",
            "trust": "no project settings",
            "token": "secret from CORP_TOKEN (set)",
            "expires_at": None,
            "uv_store": "no entry",
            "problem": None,
        }
    ]
    code, text, _ = uvcreds(env, tmp_path, "status")
    assert code == 0 and "corp.v2  https://corp.example/simple/" in text
    assert "s3cr3t-value" not in out + text
    missing = uvcreds(isolated_env, tmp_path, "status")[1]
    assert "secret from CORP_TOKEN (missing)" in missing


def test_usage_errors_exit_2(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    code, out, err = uvcreds(isolated_env, tmp_path, "export", "--format", "xml")
    assert (code, out) == (2, "")
    assert "Invalid value for '--format'" in err
    assert uvcreds(isolated_env, tmp_path, "hook", "tcsh")[0] == 2
    assert uvcreds(isolated_env, tmp_path, "frobnicate")[0] == 2


def test_python_dash_m_is_the_same_command(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    import sys

    result = run([sys.executable, "-m", "uvcreds", "--version"], isolated_env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("uvcreds, version ")


def test_each_config_file_is_read_once(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    write_project(tmp_path, [("corp", "https://corp.example/simple/")], "[tool.uvcreds.index.x]\n")
    code, _, err = uvcreds(isolated_env, tmp_path, "--debug", "export")
    assert code == 0
    assert err.count(f"uvcreds: debug: reading {tmp_path / 'pyproject.toml'}\n") == 1


def test_a_malformed_pyproject_beside_uv_toml_is_reported(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """uv reads the indexes from uv.toml; uvcreds still reads its settings from the
    pyproject.toml beside it, so that file not parsing is said, not passed over."""
    (tmp_path / "uv.toml").write_text('[[index]]\nname = "corp"\nurl = "https://corp/simple/"\n')
    (tmp_path / "pyproject.toml").write_text("[tool.uvcreds\n")
    code, _, err = uvcreds(isolated_env, tmp_path, "export")
    assert code == 1
    assert err.startswith(f"uvcreds: {tmp_path / 'pyproject.toml'}: invalid TOML: ")
    assert err.count("\n") == 1


def test_version_and_debug_anywhere_and_full_help(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """`-V` works, `--debug` also after the command, and help texts are not cut short."""
    for flag in ("-V", "--version"):
        code, out, _ = uvcreds(isolated_env, tmp_path, flag)
        assert code == 0 and out.startswith("uvcreds, version ")
    write_project(tmp_path, [("corp", "https://corp.example/simple/")])
    write_user_config(
        isolated_env,
        '[[credential]]\nurl = "https://corp.example/"\nprovider = "env"\n'
        'password-env = "DOTENV_PW"\n',
    )
    (tmp_path / ".env").write_text("DOTENV_PW=from-dotenv-7c1\n")
    for args in (("--debug", "export"), ("export", "--debug")):
        code, out, err = uvcreds(isolated_env, tmp_path, *args)
        assert code == 0 and "from-dotenv-7c1" in out
        assert f"uvcreds: debug: DOTENV_PW: read from {tmp_path / '.env'}" in err.splitlines()
        assert "from-dotenv-7c1" not in err
    code, out, _ = uvcreds(isolated_env, tmp_path, "--help")
    commands = out.split("Commands:", 1)[1].splitlines()
    assert code == 0 and commands and not [line for line in commands if line.endswith("...")]
    for command in ("exec", "hook", "keyring", "status"):
        code, out, _ = uvcreds(isolated_env, tmp_path, command, "--help")
        description = out.split("\n\n", 1)[1].split("Options:", 1)[0]
        assert code == 0 and "..." not in description and len(description.split()) > 12


def test_refresh_and_logout_say_what_they_did_in_one_line(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    write_project(tmp_path, [("corp", "https://corp.example/simple/")])
    code, _, err = uvcreds(isolated_env, tmp_path, "refresh")
    assert (code, err) == (0, "uvcreds: no token to refresh here\n")
    code, _, err = uvcreds(isolated_env, tmp_path, "logout")
    assert (code, err) == (0, "uvcreds: no cached token to forget\n")
    code, _, err = uvcreds(isolated_env, tmp_path, "logout", "nosuch")
    assert (code, err) == (1, "uvcreds: no index named 'nosuch' here (found: corp)\n")
