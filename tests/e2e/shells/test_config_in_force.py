"""The config in force is part of the plan (issue 16; DESIGN.md, "A plan depends on every
input"): switching `UVCREDS_CONFIG` back and forth in one real interactive shell, the
hook, `export`, `keyring get` and `status` each answer only what the config in force binds,
on the fast path too (the plan of the other config is never reused).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import credential, write_project, write_user_config
from tests.testing.shells import SHELLS, Session, make_env, write_logging_uvcreds

TOKEN = "in-force-secret-93"
CORP = ("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD")
EXPORT = {
    "bash": "export {name}={value}",
    "zsh": "export {name}={value}",
    "fish": "set -gx {name} {value}",
}
UNSET = {"bash": "unset {name}", "zsh": "unset {name}", "fish": "set -e {name}"}
STATUS = {"bash": "echo rc=$?", "zsh": "echo rc=$?", "fish": "echo rc=$status"}


@pytest.mark.parametrize("shell", SHELLS)
def test_switching_uvcreds_config_in_one_shell_answers_the_config_in_force(
    shell: str, tmp_path: Path, index: FakeIndex
) -> None:
    env = make_env(tmp_path)
    env["CORP_PW"] = TOKEN
    default = write_user_config(env, credential(index.url, "CORP_PW", username="alice"))
    other = tmp_path / "other config" / "config.toml"
    other.parent.mkdir()
    other.write_text(credential("https://elsewhere.example/", "CORP_PW", username="bob"))
    del env["UVCREDS_CONFIG"]  # the default path, $XDG_CONFIG_HOME/uvcreds/config.toml
    assert default == Path(env["XDG_CONFIG_HOME"]) / "uvcreds" / "config.toml"
    project = tmp_path / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin")
    uvcreds = shlex.quote(str(exe))
    keyring_get = f"{uvcreds} keyring get {shlex.quote(index.simple_url)} alice; {STATUS[shell]}"
    bound = dict(zip(CORP, ["alice", TOKEN]))

    def answers(sh: Session) -> tuple[str, str, str]:
        """export's stdout, keyring get's output and status's provider for corp, as the
        shell's own environment has it now."""
        exported = sh.run(f"{uvcreds} export").output
        asked = sh.run(keyring_get).output
        shown = sh.run(f"{uvcreds} status --json").output
        rows = json.loads(shown[shown.index("[") : shown.rindex("]") + 1])
        return exported, asked, str(rows[0]["provider"])

    with Session(shell, exe, env, project, tmp_path / "strace.log") as sh:
        sh.run(f"cd {shlex.quote(str(project))}")
        for round_ in range(2):  # back and forth twice: a plan made for one is never reused
            assert sh.env(*CORP) == bound, round_
            exported, asked, provider = answers(sh)
            assert TOKEN in exported and "rc=0" in asked and TOKEN in asked
            assert provider == "env"

            sh.run(EXPORT[shell].format(name="UVCREDS_CONFIG", value=shlex.quote(str(other))))
            assert sh.env(*CORP) == dict.fromkeys(CORP), round_  # gone at the next prompt
            exported, asked, provider = answers(sh)
            assert TOKEN not in exported and "UV_INDEX_CORP" not in exported
            assert "rc=1" in asked and TOKEN not in asked
            assert provider == "None"

            if round_ == 0:
                sh.run(UNSET[shell].format(name="UVCREDS_CONFIG"))  # the default again
            else:
                value = shlex.quote(str(default))
                sh.run(EXPORT[shell].format(name="UVCREDS_CONFIG", value=value))
        assert sh.env(*CORP) == bound
