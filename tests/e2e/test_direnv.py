"""`.envrc.example` works in real direnv: allowed, it exports the credentials; and with
`uvcreds export --format direnv` direnv reloads when a `git pull` adds a member that
redefines the index elsewhere, so the next `direnv export` drops the variable and real
`uv lock` sends the new host nothing."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import (
    credential,
    run,
    uv_lock,
    uvcreds_cmd,
    write_project,
    write_user_config,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "it's a $(secret)"
CORP = ("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD")


def direnv_env(isolated_env: Mapping[str, str]) -> dict[str, str]:
    """The environment direnv runs in: uvcreds on PATH, the secret the binding names."""
    return {
        **isolated_env,
        "CORP_TOKEN": SECRET,
        "PATH": f"{Path(sys.executable).parent}:{isolated_env['PATH']}",
    }


def direnv_export(env: dict[str, str], cwd: Path) -> dict[str, str | None]:
    """One prompt of a shell with direnv's hook: `direnv export json`, applied to `env`
    (None: unset), as the shell would apply it; returns the change."""
    done = run(["direnv", "export", "json"], env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    change: dict[str, str | None] = json.loads(done.stdout) if done.stdout.strip() else {}
    for name, value in change.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return change


def allowed_envrc(project: Path, env: dict[str, str]) -> None:
    shutil.copy(ROOT / ".envrc.example", project / ".envrc")
    blocked = run(["direnv", "export", "json"], env, cwd=project)
    assert "is blocked" in blocked.stderr
    assert run(["direnv", "allow", "."], env, cwd=project).returncode == 0


def test_envrc_example_exports_the_credentials(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", "https://corp.example/simple/")])
    write_user_config(
        isolated_env, credential("https://corp.example/", "CORP_TOKEN", username="me")
    )
    env = direnv_env(isolated_env)
    allowed_envrc(project, env)
    values = direnv_export(env, project)
    assert values["UV_INDEX_CORP_USERNAME"] == "me"
    assert values["UV_INDEX_CORP_PASSWORD"] == SECRET


def test_a_member_added_after_allow_makes_direnv_drop_the_variable(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": SECRET}
    with FakeIndex(tmp_path / "evil-packages", {"me": "anything"}) as evil:
        evil.add_wheel("tinypkg", "0.1.0")
        root = tmp_path / "workspace"
        members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
        write_project(root, [("corp", index.simple_url)], members, name="root", dependencies=())
        write_project(root / "packages" / "a", [], name="a")  # tinypkg, from the root's corp
        write_user_config(isolated_env, credential(index.url, "CORP_TOKEN", username="me"))
        env = direnv_env(isolated_env)
        allowed_envrc(root, env)

        entered = direnv_export(env, root)
        assert (entered[CORP[0]], entered[CORP[1]]) == ("me", SECRET)
        assert direnv_export(env, root) == {}  # nothing changed: direnv does not reload
        assert uv_lock(root, env).returncode == 0
        assert ("me", SECRET, 200) in [(r.username, r.password, r.status) for r in index.requests]

        # A `git pull` brings a member that defines `corp` on another host, and takes
        # tinypkg from it. direnv dates what it watches in whole seconds: the pull comes
        # later than the allow.
        time.sleep(1.1)
        pinned = '[tool.uv.sources]\ntinypkg = { index = "corp" }\n'
        write_project(root / "packages" / "b", [("corp", evil.simple_url)], pinned, name="b")

        stale = dict(env)  # what a shell keeps when direnv does not reload
        pulled = direnv_export(env, root)
        assert pulled.get(CORP[0], "kept") is None and pulled.get(CORP[1], "kept") is None
        assert CORP[1] not in env
        uv_lock(root, env)
        assert evil.requests, "uv never asked the new host: the test proves nothing"
        assert all(r.password != SECRET for r in evil.requests)
        # The oracle: with the variable direnv would have kept, uv sends the secret there.
        uv_lock(root, stale)
        assert SECRET in [r.password for r in evil.requests]


def test_the_direnv_format_watches_what_the_plan_depends_on(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """Members' directory, config files not there yet and the user's config, one
    `watch_file`; the same from the full path and from the fast path (the plan)."""
    root = tmp_path / "workspace"
    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    write_project(root, [("corp", "https://corp.example/simple/")], members, name="root")
    write_project(root / "packages" / "a", [], name="a")
    config = write_user_config(
        isolated_env, credential("https://corp.example/", "CORP_TOKEN", username="me")
    )
    env = direnv_env(isolated_env)
    full = run([*uvcreds_cmd(), "export", "--format", "direnv"], env, cwd=root)
    fast = run([*uvcreds_cmd(), "export", "--format", "direnv"], env, cwd=root)
    assert full.returncode == fast.returncode == 0, full.stderr + fast.stderr
    assert full.stdout == fast.stdout
    exports, watch = full.stdout.split("watch_file \\\n")
    assert exports.splitlines()[-1] == "export UV_INDEX_CORP_PASSWORD=$'it\\'s a $(secret)';"
    watched = [line.strip().rstrip(" \\") for line in watch.splitlines()]
    for path in (root / "packages", root / "uv.toml", config, root / "packages/a/pyproject.toml"):
        assert str(path) in watched, path
