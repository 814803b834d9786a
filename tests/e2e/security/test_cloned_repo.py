"""A cloned repository is hostile: it gets none of the user's secrets, and runs nothing, until
the user allows it (DESIGN.md, "Security"). Every step is the real CLI in a subprocess.

The user's own config binds CORP_TOKEN to https://corp.example/simple/ and the secret is in the
environment; the repository names its indexes, hosts and settings as an attacker would.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.google import GoogleFake
from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import (
    credential_table,
    uv_bin,
    uvcreds_cmd,
    write_project,
    write_user_config,
)
from tests.testing.hostile import assert_clean_stderr

SECRET = "corp-secret-9f2c41"
USER_URL = "https://corp.example/simple/"
CODEARTIFACT_HOST = "acme-111122223333.d.codeartifact.us-east-1.amazonaws.com"
CODEARTIFACT_URL = f"https://{CODEARTIFACT_HOST}/pypi/r/simple/"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    messages: list[str]

    def exported(self) -> dict[str, str]:
        values = json.loads(self.stdout)
        assert isinstance(values, dict)
        return values


@dataclass
class Repo:
    """A cloned repository and the user's environment to run uvcreds in."""

    directory: Path
    env: dict[str, str]

    @property
    def pyproject(self) -> Path:
        return self.directory / "pyproject.toml"

    def write(self, indexes: list[tuple[str, str]], settings: str = "") -> None:
        write_project(self.directory, indexes, settings)

    def uvcreds(self, *args: str, env: Mapping[str, str] | None = None) -> Ran:
        done = subprocess.run(
            [*uvcreds_cmd(), *args],
            env={**self.env, **(env or {})},
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=60,
        )
        messages = assert_clean_stderr(done.stderr)
        assert SECRET not in done.stderr
        return Ran(done.returncode, done.stdout, done.stderr, messages)

    def export(self) -> Ran:
        return self.uvcreds("export", "--format", "json")

    def not_allowed(self, keys: str) -> str:
        return (
            f"uvcreds: {self.pyproject}: [tool.uvcreds.index.corp] sets {keys}, ignored until "
            f"you run `uvcreds allow {self.directory}`"
        )


@pytest.fixture
def repo(tmp_path: Path, isolated_env: dict[str, str]) -> Repo:
    write_user_config(
        isolated_env,
        credential_table(USER_URL, provider="env", username="me", password_env="CORP_TOKEN")
        + credential_table("https://corp.example", provider="env", password_env="CORP_TOKEN"),
    )
    return Repo(tmp_path / "cloned", {**isolated_env, "CORP_TOKEN": SECRET})


def test_an_index_named_like_yours_but_elsewhere_gets_nothing(repo: Repo, index: FakeIndex) -> None:
    """Same name, another host: nothing exported, and real uv sends the fake index nothing."""
    repo.write([("corp", index.simple_url)])
    ran = repo.export()
    assert (ran.returncode, ran.exported(), ran.messages) == (0, {}, [])
    exe = shlex.join(uvcreds_cmd())
    lock = f'eval "$({exe} export)" || exit 97; {shlex.quote(uv_bin())} lock --no-cache'
    done = subprocess.run(
        ["bash", "-c", lock], env=repo.env, cwd=repo.directory, capture_output=True, text=True
    )
    assert done.returncode not in (0, 97), done.stderr  # the index refuses anonymous uv
    assert index.requests, "uv never asked the index: the test proves nothing"
    assert all(r.username is None and r.password is None for r in index.requests)


LOOKALIKES = [
    "https://corp.example.evil.example/simple/",
    "https://corp.example@evil.example/simple/",
    "https://corp.example:443@evil.example/simple/",
    "https://corp.example%2F@evil.example/simple/",
    "https://evil.example/simple/?https://corp.example/simple/",
    "https://evil.example/https://corp.example/simple/",
    "http://corp.example/simple/",
    "HTTPS://CORP.EXAMPLE.evil.example/simple/",
    " https://corp.example.evil.example/simple/",
]


def test_lookalikes_of_a_bound_url_get_nothing(repo: Repo) -> None:
    repo.write([(f"corp{i}", url) for i, url in enumerate(LOOKALIKES)])
    ran = repo.export()
    assert (ran.returncode, ran.exported(), ran.messages) == (0, {}, [])


CODEARTIFACT_LOOKALIKES = [
    f"https://{CODEARTIFACT_HOST}.evil.example/pypi/r/simple/",
    f"https://{CODEARTIFACT_HOST}@evil.example/pypi/r/simple/",
    f"https://evil.example\\@{CODEARTIFACT_HOST}/pypi/r/simple/",
    f"https://evil.example\\\\{CODEARTIFACT_HOST}/pypi/r/simple/",
    f"https://evil.example/{CODEARTIFACT_HOST}/pypi/r/simple/",
    f"https://evil.example/?{CODEARTIFACT_HOST}",
    f"http://{CODEARTIFACT_HOST}/pypi/r/simple/",
    f"https://x{CODEARTIFACT_HOST}.evil.example/pypi/r/simple/",
    f"https://{CODEARTIFACT_HOST}%2e.evil.example/pypi/r/simple/",
    f"https://{CODEARTIFACT_HOST.replace('.amazonaws.com', '.amazonaws.com.cn.evil')}/simple/",
]


def test_codeartifact_lookalikes_mint_no_token(
    repo: Repo, codeartifact: CodeArtifactFake, tmp_path: Path
) -> None:
    repo.env.update(codeartifact.aws_env(tmp_path))
    repo.write([(f"ca{i}", url) for i, url in enumerate(CODEARTIFACT_LOOKALIKES)])
    ran = repo.export()
    assert (ran.returncode, ran.exported(), ran.messages) == (0, {}, [])
    assert codeartifact.request_count == 0
    # The genuine host, same environment: the fake is reached (so the 0 above means something).
    repo.write([("ca", CODEARTIFACT_URL)])
    ran = repo.export()
    assert ran.returncode == 0, ran.stderr
    assert ran.exported() == {
        "UV_INDEX_CA_USERNAME": "aws",
        "UV_INDEX_CA_PASSWORD": codeartifact.issued[0],
    }
    assert codeartifact.request_count == 1


def test_a_repo_cannot_point_aws_settings_at_its_own_host(
    repo: Repo, codeartifact: CodeArtifactFake, tmp_path: Path
) -> None:
    repo.env.update(codeartifact.aws_env(tmp_path))
    repo.write(
        [("corp", "https://pypi.evil.example/simple/")],
        '[tool.uvcreds.index.corp]\nprovider = "aws"\ndomain = "acme"\n'
        'domain-owner = "111122223333"\nregion = "us-east-1"\n',
    )
    ran = repo.export()
    assert ran.messages == [repo.not_allowed("domain, domain-owner, provider, region")]
    assert (ran.returncode, ran.exported()) == (1, {})
    assert codeartifact.request_count == 0


def test_a_repo_cannot_have_a_vendor_token_minted_for_its_own_host(
    repo: Repo, google_fake: GoogleFake, fake_bin_dir: FakeBinDir, tmp_path: Path
) -> None:
    """`provider = "google"` (or "azure") for a host that is no vendor's would send the user's
    Google access token (or Entra token, or PAT) to that host: it needs an allow."""
    az = fake_bin_dir.az()
    repo.env = fake_bin_dir.env({**repo.env, **google_fake.service_account_env(tmp_path)})
    repo.env["SYSTEM_ACCESSTOKEN"] = SECRET
    for provider in ("google", "azure"):
        repo.write(
            [("corp", "https://pypi.evil.example/simple/")],
            f'[tool.uvcreds.index.corp]\nprovider = "{provider}"\n',
        )
        ran = repo.export()
        assert ran.messages == [repo.not_allowed("provider")]
        assert (ran.returncode, ran.exported()) == (1, {})
    assert (google_fake.token_count, az.call_count) == (0, 0)
    # Once the user allows it, the project's choice is theirs to make.
    assert repo.uvcreds("allow").returncode == 0
    ran = repo.export()
    assert ran.returncode == 0, ran.stderr
    assert ran.exported()["UV_INDEX_CORP_PASSWORD"] == "az-entra-token-1"
    assert az.call_count == 1


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "CANARY"
    yield path
    path.unlink(missing_ok=True)


def test_a_project_command_runs_only_while_allowed(repo: Repo, canary: Path) -> None:
    script = f"touch {shlex.quote(str(canary))}; echo cmd-token"
    settings = (
        '[tool.uvcreds.index.corp]\nprovider = "command"\n'
        f'command = ["sh", "-c", {json.dumps(script)}]\n'
    )
    repo.write([("corp", "https://pypi.evil.example/simple/")], settings)
    not_allowed = repo.not_allowed("command, provider")

    ran = repo.export()
    assert (ran.returncode, ran.exported(), ran.messages) == (1, {}, [not_allowed])
    hook = repo.uvcreds("hook", "bash")
    assert (hook.returncode, hook.messages) == (0, [not_allowed])
    assert not canary.exists()

    allowed = repo.uvcreds("allow")
    assert (allowed.returncode, allowed.messages) == (
        0,
        [f"uvcreds: allowed {repo.pyproject.parent}"],
    )
    ran = repo.export()
    assert (ran.returncode, ran.messages) == (0, [])
    assert ran.exported() == {"UV_INDEX_CORP_USERNAME": "", "UV_INDEX_CORP_PASSWORD": "cmd-token"}
    assert canary.exists()
    canary.unlink()

    # Any edit revokes the allow: nothing runs, and the message is back.
    repo.pyproject.write_text(repo.pyproject.read_text() + "# edited\n")
    ran = repo.export()
    assert (ran.returncode, ran.exported(), ran.messages) == (1, {}, [not_allowed])
    assert not canary.exists()

    # A deny outlives edits, and is quiet: the user has already said no.
    assert repo.uvcreds("deny").returncode == 0
    for edit in ("# again\n", "# and again\n"):
        repo.pyproject.write_text(repo.pyproject.read_text() + edit)
        ran = repo.export()
        assert (ran.returncode, ran.exported(), ran.messages) == (0, {}, [])
        hook = repo.uvcreds("hook", "bash")
        assert (hook.returncode, hook.messages) == (0, [])
    status = json.loads(repo.uvcreds("status", "--json").stdout)
    assert [row["trust"] for row in status] == ["denied"]
    assert not canary.exists()

    assert repo.uvcreds("allow").returncode == 0
    assert repo.export().exported()["UV_INDEX_CORP_PASSWORD"] == "cmd-token"
    assert canary.exists()


def test_a_project_password_env_naming_your_secret_gets_nothing_until_allowed(
    repo: Repo,
) -> None:
    repo.write(
        [("corp", "https://pypi.evil.example/simple/")],
        '[tool.uvcreds.index.corp]\nprovider = "env"\npassword-env = "CORP_TOKEN"\n',
    )
    for command in (("export",), ("export", "--format", "json"), ("hook", "bash"), ("status",)):
        ran = repo.uvcreds(*command)
        assert SECRET not in ran.stdout
        assert ran.messages == [repo.not_allowed("password-env, provider")]
    assert repo.uvcreds("allow").returncode == 0
    assert repo.export().exported()["UV_INDEX_CORP_PASSWORD"] == SECRET


def test_a_hostile_dotenv_redirects_nothing(
    repo: Repo, codeartifact: CodeArtifactFake, tmp_path: Path
) -> None:
    """The repo's .env is read only for variables that settings name: never the SDK's own."""
    repo.env.update(codeartifact.aws_env(tmp_path))
    with CodeArtifactFake(token="attacker-token") as hostile:
        attacker_config = tmp_path / "attacker.toml"
        attacker_config.write_text(credential_table("https://", provider="env", password_env="X"))
        repo.write([("ca", CODEARTIFACT_URL), ("corp", USER_URL)])
        (repo.directory / ".env").write_text(
            f"AWS_ENDPOINT_URL_CODEARTIFACT={hostile.endpoint_url}\n"
            f"AWS_ENDPOINT_URL={hostile.endpoint_url}\n"
            "AWS_PROFILE=attacker\nAWS_DEFAULT_PROFILE=attacker\n"
            "AWS_ACCESS_KEY_ID=AKIDATTACKER\nAWS_SECRET_ACCESS_KEY=attacker\n"
            "AWS_REGION=eu-north-1\nAWS_DEFAULT_REGION=eu-north-1\n"
            f"AWS_CONFIG_FILE={tmp_path}/nowhere\nAWS_SHARED_CREDENTIALS_FILE={tmp_path}/nowhere\n"
            f"UVCREDS_CONFIG={attacker_config}\nUVCREDS_CACHE_DIR={tmp_path}/attacker-cache\n"
            f"UV_INDEX=corp={hostile.endpoint_url}/simple/\n"
            "CORP_TOKEN=attacker-chosen\nX=attacker\n"
        )
        ran = repo.export()
        assert hostile.request_count == 0
    assert (ran.returncode, ran.messages) == (0, [])
    assert ran.exported() == {
        "UV_INDEX_CA_USERNAME": "aws",
        "UV_INDEX_CA_PASSWORD": codeartifact.issued[0],
        "UV_INDEX_CORP_USERNAME": "me",
        "UV_INDEX_CORP_PASSWORD": SECRET,
    }
    [request] = codeartifact.token_requests()
    assert (request.access_key_id, request.region) == ("AKIDENVFAKE", "us-east-1")
    assert not (tmp_path / "attacker-cache").exists()


@pytest.mark.parametrize("where", ["uv.toml", "workspace member"])
def test_allowed_settings_stop_when_the_index_url_moves(repo: Repo, where: str) -> None:
    """The allow covers the file that says where the secret goes, not only the settings: a
    pull that points the index elsewhere (in uv.toml beside the pyproject, or in a workspace
    member's pyproject) revokes it."""
    root = repo.directory
    root.mkdir(parents=True)
    settings = '[tool.uvcreds.index.team]\nprovider = "env"\npassword-env = "CORP_TOKEN"\n'
    index = '[[{table}]]\nname = "team"\nurl = "https://{host}/simple/"\n'
    if where == "uv.toml":
        (root / "pyproject.toml").write_text(f'[project]\nname = "r"\nversion = "0"\n{settings}')
        defining, table = root / "uv.toml", "index"
    else:
        (root / "pyproject.toml").write_text(
            '[project]\nname = "r"\nversion = "0"\n'
            f'[tool.uv.workspace]\nmembers = ["packages/*"]\n{settings}'
        )
        defining, table = root / "packages" / "a" / "pyproject.toml", "tool.uv.index"
        defining.parent.mkdir(parents=True)
    head = "" if where == "uv.toml" else '[project]\nname = "a"\nversion = "0"\n'
    defining.write_text(head + index.format(table=table, host="pypi.team.example"))
    assert repo.export().messages == [
        f"uvcreds: {repo.pyproject}: [tool.uvcreds.index.team] sets password-env, provider, "
        f"ignored until you run `uvcreds allow {root}`"
    ]
    assert repo.uvcreds("allow").returncode == 0
    assert repo.export().exported()["UV_INDEX_TEAM_PASSWORD"] == SECRET

    defining.write_text(head + index.format(table=table, host="evil.example"))
    ran = repo.export()
    assert (ran.returncode, ran.exported()) == (1, {})
    assert ran.messages == [
        f"uvcreds: {repo.pyproject}: [tool.uvcreds.index.team] sets password-env, provider, "
        f"ignored until you run `uvcreds allow {root}`"
    ]
