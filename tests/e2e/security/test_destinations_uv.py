"""Every destination of a credential variable, measured with real uv against local indexes.

uv sends `UV_INDEX_<V>_*` to every index whose name maps to `<V>`, from every file it reads
(DESIGN.md, "Finding the indexes" and "Where a credential may go"). Each test here sets up
password-protected indexes on 127.0.0.1, each on its own port (so its own host), binds the
user's secret to one of them, runs real `uv lock` (or `uv run`) with what uvcreds exports,
and reads every index's request log:
- where the user bound the secret, uv must now authenticate (uv's exit code, a 200 carrying
  the right credential);
- no request to a host (or path) the user did not bind may carry the secret or a minted
  token. The other index accepts the same credential, so a leak would not even fail there.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import tarfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex, IndexRequest, PathIndex
from tests.testing.helpers import (
    credential,
    run,
    uv_bin,
    uvcreds_cmd,
    write_project,
    write_user_config,
)
from tests.testing.hostile import assert_clean_stderr

SECRET_VAR = "CORP_SECRET"
SECRET = "dest-secret.Q7/+=x"  # characters that need quoting in a shell and in a URL
USER = "me"
MINTED = "ca-minted.tok/+=9"
TEAM_SETTINGS = (
    f'[tool.uvcreds.index.corp]\nprovider = "env"\nusername = "{USER}"\n'
    f'password-env = "{SECRET_VAR}"\n'
)


# --- indexes -------------------------------------------------------------------------------


def _serve(index: FakeIndex) -> FakeIndex:
    index.add_wheel("tinypkg", "0.1.0")
    index.add_wheel("otherpkg", "0.2.0")
    return index


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[FakeIndex]:
    """The index the user binds the secret to."""
    with _serve(FakeIndex(tmp_path / "bound-packages", {USER: SECRET})) as fake:
        yield fake


@pytest.fixture
def other(tmp_path: Path) -> Iterator[FakeIndex]:
    """Another host, not bound. It accepts the same credential: a leak would succeed there."""
    with _serve(FakeIndex(tmp_path / "other-packages", {USER: SECRET})) as fake:
        yield fake


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[FakeIndex]:
    with _serve(PathIndex(tmp_path / "path-packages", {USER: SECRET})) as fake:
        yield fake


@pytest.fixture
def env(isolated_env: dict[str, str]) -> dict[str, str]:
    """The user's environment: the secret is set, no binding yet."""
    return {**isolated_env, SECRET_VAR: SECRET}


def bind(env: Mapping[str, str], url: str, *, username: str | None = USER) -> None:
    """The user's own config binds the secret to `url` (a prefix)."""
    write_user_config(env, credential(url, SECRET_VAR, username=username))


def carrying(index: FakeIndex, *secrets: str) -> list[IndexRequest]:
    return [r for r in index.requests if r.password in secrets or r.username in secrets]


def assert_asked_without(index: FakeIndex, *secrets: str) -> None:
    """uv did send this index requests (so the check means something), none with a secret."""
    assert index.requests, "uv never asked this index: the test proves nothing"
    assert carrying(index, *secrets) == []


def assert_authenticated(
    done: subprocess.CompletedProcess[str],
    index: FakeIndex,
    username: str = USER,
    password: str = SECRET,
) -> None:
    """uv succeeded, and the index answered 200 to a request with exactly this credential."""
    assert done.returncode == 0, done.stderr
    assert (username, password, 200) in {(r.username, r.password, r.status) for r in index.requests}


# --- projects ------------------------------------------------------------------------------


def toml(value: str) -> str:
    return json.dumps(value)


def index_table(
    name: str, url: str, *, table: str = "tool.uv.index", default: bool = False, **keys: bool
) -> str:
    lines = [f"[[{table}]]", f"name = {toml(name)}", f"url = {toml(url)}"]
    if default:
        lines.append("default = true")
    lines += [f"{key} = {str(value).lower()}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def pin(index: str, package: str = "tinypkg") -> str:
    """`[tool.uv.sources]`: `package` comes from `index` only, so uv must ask that index."""
    return f"[tool.uv.sources]\n{package} = {{ index = {toml(index)} }}\n"


def project_text(name: str, body: str = "", dependencies: Iterable[str] = ("tinypkg",)) -> str:
    deps = ", ".join(toml(d) for d in dependencies)
    return (
        f'[project]\nname = {toml(name)}\nversion = "0.0.1"\nrequires-python = ">=3.9"\n'
        f"dependencies = [{deps}]\n\n{body}"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_workspace(
    root: Path, url: str, members: Iterable[str] = ("packages/*",), settings: str = ""
) -> Path:
    """A workspace root whose own index `corp` is at `url`."""
    listed = ", ".join(toml(m) for m in members)
    body = f"[tool.uv.workspace]\nmembers = [{listed}]\n\n"
    body += index_table("corp", url, default=True) + settings
    return write(root / "pyproject.toml", project_text("root", body))


def write_member(root: Path, name: str, url: str) -> Path:
    """A workspace member defining its own `corp` at `url`, with tinypkg pinned to it."""
    body = index_table("corp", url) + pin("corp")
    return write(root / "packages" / name / "pyproject.toml", project_text(name, body))


# --- running uvcreds and uv ------------------------------------------------------------------


@dataclass
class Exported:
    values: dict[str, str]
    messages: list[str]


def uvcreds(
    env: Mapping[str, str], cwd: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = run([*uvcreds_cmd(), *args], env, cwd=cwd)
    assert SECRET not in done.stderr and MINTED not in done.stderr
    return done, assert_clean_stderr(done.stderr)


def export(env: Mapping[str, str], cwd: Path, *args: str) -> Exported:
    """`uvcreds export --format json` (the fast path when a plan is saved)."""
    done, messages = uvcreds(env, cwd, "export", "--format", "json", *args)
    values = json.loads(done.stdout or "{}")
    assert isinstance(values, dict)
    return Exported({str(k): str(v) for k, v in values.items()}, messages)


def allow(env: Mapping[str, str], directory: Path) -> None:
    done, _ = uvcreds(env, directory, "allow")
    assert done.returncode == 0, done.stderr


def uv_argv(cwd: Path, uv_args: tuple[str, ...]) -> list[str]:
    """`uv COMMAND --no-cache ARGS` (before any script and its arguments); a `uv lock` in `cwd`
    starts without a uv.lock, so uv always asks the indexes."""
    if uv_args[:1] == ("lock",):
        (cwd / "uv.lock").unlink(missing_ok=True)
    return [uv_bin(), uv_args[0], "--no-cache", *uv_args[1:]]


def exec_uv(env: Mapping[str, str], cwd: Path, *uv_args: str) -> subprocess.CompletedProcess[str]:
    """`uvcreds exec -- uv ARGS`."""
    done = run([*uvcreds_cmd(), "exec", "--", *uv_argv(cwd, uv_args)], env, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    assert SECRET not in done.stderr and MINTED not in done.stderr
    return done


def eval_uv(env: Mapping[str, str], cwd: Path, *uv_args: str) -> subprocess.CompletedProcess[str]:
    """bash: `eval "$(uvcreds export)"`, then real `uv ARGS`, as a shell hook has it."""
    uv = shlex.join(uv_argv(cwd, uv_args))
    script = f'eval "$({shlex.join(uvcreds_cmd())} export)"; {uv}'
    done = run(["bash", "-c", script], env, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    assert SECRET not in done.stderr and MINTED not in done.stderr
    return done


def plain_uv(env: Mapping[str, str], cwd: Path, *uv_args: str) -> subprocess.CompletedProcess[str]:
    """Real uv with exactly `env`: no uvcreds at all."""
    return run(uv_argv(cwd, uv_args), env, cwd=cwd)


def assert_plan_saved(env: Mapping[str, str]) -> None:
    """A plan is saved, so the next plain `uvcreds export` is served by the fast path."""
    plans = Path(env["UVCREDS_CACHE_DIR"], "plans")
    assert plans.is_dir() and any(plans.iterdir()), "no plan saved: the fast path is not tested"


def variables(stem: str) -> tuple[str, str]:
    return f"UV_INDEX_{stem}_USERNAME", f"UV_INDEX_{stem}_PASSWORD"


def assert_not_exported(exported: Exported, stem: str, *secrets: str) -> None:
    assert not set(variables(stem)) & set(exported.values), exported.values
    assert not set(secrets) & set(exported.values.values()), exported.values


def assert_names_blocker(messages: list[str], url: str, source: Path, name: str | None) -> None:
    """One line, naming the blocking index (when its name differs), its URL and its file."""
    assert len(messages) == 1, messages
    [line] = messages
    assert url in line and str(source) in line, line
    if name is not None:
        assert repr(name) in line, line


# --- 1. names that share a variable --------------------------------------------------------

NAME_PAIRS = [
    ("corp_x", "corp-x"),
    ("corp-x", "corp_x"),
    ("corp_x", "corp.x"),
    ("corp.x", "corp-x"),
]


@pytest.mark.parametrize(("mine", "theirs"), [*NAME_PAIRS, ("ca", "CA")])
def test_uv_sends_one_variable_to_every_name_that_maps_to_it(
    mine: str, theirs: str, tmp_path: Path, isolated_env: dict[str, str], other: FakeIndex
) -> None:
    """Premise, uv alone: the variable of `mine` goes to `theirs`, on another host, too."""
    stem = mine.upper().replace("-", "_").replace(".", "_")
    user_var, password_var = variables(stem)
    project = tmp_path / "proj"
    body = index_table(mine, "http://127.0.0.1:1/simple/", default=True)
    write(
        project / "pyproject.toml",
        project_text("p", body + index_table(theirs, other.simple_url) + pin(theirs)),
    )
    done = plain_uv({**isolated_env, user_var: USER, password_var: SECRET}, project, "lock")
    assert_authenticated(done, other)


@pytest.mark.parametrize(("mine", "theirs"), NAME_PAIRS)
@pytest.mark.parametrize("theirs_first", [False, True], ids=["bound-first", "other-first"])
def test_a_name_sharing_the_variable_on_another_host_blocks_the_secret(
    mine: str,
    theirs: str,
    theirs_first: bool,
    tmp_path: Path,
    env: dict[str, str],
    bound: FakeIndex,
    other: FakeIndex,
) -> None:
    """`corp_x` bound, `corp-x` or `corp.x` elsewhere: nothing exported, one line, no leak."""
    bind(env, bound.url)
    project = tmp_path / "proj"
    tables = [
        index_table(mine, bound.simple_url, default=True),
        index_table(theirs, other.simple_url),
    ]
    if theirs_first:
        tables.reverse()
    pyproject = write(project / "pyproject.toml", project_text("p", "".join(tables) + pin(theirs)))

    exported = export(env, project)
    assert_not_exported(exported, "CORP_X", SECRET)
    assert_names_blocker(exported.messages, other.simple_url, pyproject, theirs)
    done = exec_uv(env, project, "lock")
    assert done.returncode != 0
    assert_asked_without(other, SECRET)
    assert carrying(bound, SECRET) == []

    # The binding itself is right: without the other index, uv authenticates.
    write(
        project / "pyproject.toml",
        project_text("p", index_table(mine, bound.simple_url, default=True)),
    )
    assert_authenticated(exec_uv(env, project, "lock"), bound)
    assert carrying(other, SECRET) == []


@pytest.mark.parametrize(("mine", "theirs"), [("ca", "CA"), ("CA", "ca")])
def test_a_minted_token_is_not_sent_to_a_name_differing_only_in_case(
    mine: str,
    theirs: str,
    tmp_path: Path,
    env: dict[str, str],
    bound: FakeIndex,
    other: FakeIndex,
    codeartifact: CodeArtifactFake,
) -> None:
    """A token minted for `ca` goes neither into UV_INDEX_CA_* nor to `CA` on another host."""
    codeartifact.token = MINTED
    bound.creds = other.creds = {"aws": MINTED}
    env.update(codeartifact.aws_env(tmp_path))
    write_user_config(
        env,
        f'[[credential]]\nurl = {toml(bound.url)}\nprovider = "aws"\ndomain = "acme"\n'
        'domain-owner = "111122223333"\nregion = "eu-west-1"\n',
    )
    project = tmp_path / "proj"
    body = index_table(mine, bound.simple_url, default=True) + index_table(theirs, other.simple_url)
    pyproject = write(project / "pyproject.toml", project_text("p", body + pin(theirs)))

    exported = export(env, project)
    assert_not_exported(exported, "CA", MINTED)
    assert_names_blocker(exported.messages, other.simple_url, pyproject, theirs)
    assert exec_uv(env, project, "lock").returncode != 0
    assert_asked_without(other, MINTED, *codeartifact.issued)

    write(
        project / "pyproject.toml",
        project_text("p", index_table(mine, bound.simple_url, default=True)),
    )
    assert_authenticated(exec_uv(env, project, "lock"), bound, "aws", MINTED)
    assert carrying(other, MINTED, *codeartifact.issued) == []


# --- 2. workspace members -------------------------------------------------------------------


def test_uv_sends_the_root_variable_to_a_member_index_of_the_same_name(
    tmp_path: Path, isolated_env: dict[str, str], other: FakeIndex
) -> None:
    """Premise, uv alone: a member's own `corp` is sent UV_INDEX_CORP_* too."""
    root = tmp_path / "ws"
    write_workspace(root, "http://127.0.0.1:1/simple/")
    write_member(root, "m", other.simple_url)
    user_var, password_var = variables("CORP")
    done = plain_uv({**isolated_env, user_var: USER, password_var: SECRET}, root, "lock")
    assert_authenticated(done, other)


def test_a_member_redefining_the_index_elsewhere_blocks_it(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """A member's `corp` on another host blocks the root's bound `corp`; uv sends it no secret."""
    bind(env, bound.url)
    root = tmp_path / "ws"
    write_workspace(root, bound.simple_url)
    member = write_member(root, "m", other.simple_url)

    exported = export(env, root)
    assert_not_exported(exported, "CORP", SECRET)
    assert_names_blocker(exported.messages, other.simple_url, member, None)
    assert exec_uv(env, root, "lock").returncode != 0
    assert_asked_without(other, SECRET)


# `packages/` empty beforehand, or created with the member: either way the root file and its
# `members` glob are unchanged, and only the new directory says there is a member now.
@pytest.mark.parametrize("packages_dir", ["exists", "absent"])
def test_a_member_added_later_is_noticed_by_the_saved_plan(
    packages_dir: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """A member added later (root file untouched) blocks the saved plan's export; nothing leaks."""
    bind(env, bound.url)
    root = tmp_path / "ws"
    write_workspace(root, bound.simple_url)
    if packages_dir == "exists":
        (root / "packages").mkdir()
    assert export(env, root).values == dict(zip(variables("CORP"), (USER, SECRET)))
    assert_authenticated(eval_uv(env, root, "lock"), bound)
    assert_plan_saved(env)

    member = write_member(root, "m", other.simple_url)
    eval_uv(env, root, "lock")
    assert_asked_without(other, SECRET)
    exported = export(env, root)
    assert_not_exported(exported, "CORP", SECRET)
    assert_names_blocker(exported.messages, other.simple_url, member, None)


# --- 3. an allowed workspace that gains a member --------------------------------------------


@pytest.mark.parametrize("packages_dir", ["exists", "absent"])
def test_an_allowed_workspace_that_gains_a_member_is_allowed_no_more(
    packages_dir: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """An allowed workspace that gains a member redirecting `corp` is no longer allowed."""
    root = tmp_path / "ws"
    write_workspace(root, bound.simple_url, settings=TEAM_SETTINGS)
    if packages_dir == "exists":
        (root / "packages").mkdir()
    allow(env, root)
    assert export(env, root).values == dict(zip(variables("CORP"), (USER, SECRET)))
    assert_authenticated(eval_uv(env, root, "lock"), bound)
    assert_plan_saved(env)

    write_member(root, "m", other.simple_url)
    eval_uv(env, root, "lock")
    assert_asked_without(other, SECRET)
    exported = export(env, root)
    assert_not_exported(exported, "CORP", SECRET)
    assert len(exported.messages) == 1 and f"uvcreds allow {root}" in exported.messages[0]


# --- 4. a symlinked pyproject.toml ------------------------------------------------------------


@pytest.mark.parametrize("redirected", [True, False], ids=["own-uv-toml", "link-only"])
def test_a_symlinked_pyproject_is_not_allowed_through_its_target(
    redirected: bool, tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """B's pyproject.toml, a link to allowed A's, is not allowed in B; no secret leaves from B."""
    project_a, project_b = tmp_path / "a", tmp_path / "b"
    body = index_table("corp", bound.simple_url, default=True) + TEAM_SETTINGS
    write(project_a / "pyproject.toml", project_text("a", body))
    allow(env, project_a)
    assert_authenticated(exec_uv(env, project_a, "lock"), bound)
    seen_by_bound = len(bound.requests)

    project_b.mkdir()
    (project_b / "pyproject.toml").symlink_to(project_a / "pyproject.toml")
    if redirected:
        write(
            project_b / "uv.toml",
            index_table("corp", other.simple_url, table="index", default=True),
        )
    exported = export(env, project_b)
    assert_not_exported(exported, "CORP", SECRET)
    assert len(exported.messages) == 1 and f"uvcreds allow {project_b}" in exported.messages[0]
    assert exec_uv(env, project_b, "lock").returncode != 0
    if redirected:
        assert_asked_without(other, SECRET)
    else:
        assert other.requests == []
    from_b = bound.requests[seen_by_bound:]
    assert redirected or from_b, "uv never asked the bound index from B: the test proves nothing"
    assert all(r.password != SECRET for r in from_b)


# --- 5. dot segments ------------------------------------------------------------------------

ESCAPING_PATHS = [
    "team/../other/simple/",
    "team/%2e%2e/other/simple/",
    "team/.%2E/other/simple/",
    "team/\t../other/simple/",
    "team\\..\\other/simple/",
]
STAYING_PATHS = ["team/simple/", "team/./simple/", "team/x/../simple/", "team/%2e/simple/"]


@pytest.mark.parametrize("path", ESCAPING_PATHS)
def test_dot_segments_do_not_climb_out_of_a_bound_path(
    path: str, tmp_path: Path, env: dict[str, str], paths: FakeIndex
) -> None:
    """Bound below `/team/`, `/team/../other/` (`%2e%2e`, a tab, `\\`) gets no secret."""
    bind(env, f"{paths.url}team/")
    project = tmp_path / "proj"
    write_project(project, [("corp", paths.url + path)])

    assert_not_exported(export(env, project), "CORP", SECRET)
    assert exec_uv(env, project, "lock").returncode != 0
    outside = [r for r in paths.requests if not r.path.startswith("/team/")]
    assert any(r.path.startswith("/other/") for r in outside), paths.requests
    assert carrying(paths, SECRET) == []


@pytest.mark.parametrize("path", STAYING_PATHS)
def test_dot_segments_that_stay_below_a_bound_path_authenticate(
    path: str, tmp_path: Path, env: dict[str, str], paths: FakeIndex
) -> None:
    """Bound below `/team/`, dot segments resolving below it authenticate, only below `/team/`."""
    bind(env, f"{paths.url}team/")
    project = tmp_path / "proj"
    write_project(project, [("corp", paths.url + path)])

    assert_authenticated(exec_uv(env, project, "lock"), paths)
    assert all(r.path.startswith("/team/") for r in carrying(paths, SECRET)), paths.requests


# --- 6. a replacement with the same size and mtime ------------------------------------------


def _replace(pyproject: Path, text: str, how: str, mtime_ns: int) -> None:
    if how == "in-place":
        with open(pyproject, "r+b") as handle:
            handle.write(text.encode())
            handle.truncate()
    elif how == "rename":
        fresh = pyproject.with_name("pyproject.toml.new")
        fresh.write_text(text)
        os.replace(fresh, pyproject)
    else:  # tar: an archive prepared elsewhere, extracted over the file
        archive = pyproject.parent.parent / "pull.tar"
        data = text.encode()
        with tarfile.open(archive, "w") as tar:
            info = tarfile.TarInfo("pyproject.toml")
            info.size, info.mtime, info.mode = len(data), mtime_ns // 10**9, 0o644
            tar.addfile(info, io.BytesIO(data))
        done = subprocess.run(
            ["tar", "-xf", str(archive), "-C", str(pyproject.parent)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    os.utime(pyproject, ns=(mtime_ns, mtime_ns))


@pytest.mark.parametrize("how", ["in-place", "rename", "tar"])
def test_a_same_size_same_mtime_replacement_is_noticed(
    how: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """A pyproject replaced with the same size and mtime but another port: no secret for it."""
    assert len(str(bound.port)) == len(str(other.port))
    bind(env, bound.url)
    project = tmp_path / "proj"
    pyproject = write_project(project, [("corp", bound.simple_url)])
    mtime_ns = (int(time.time()) - 100) * 10**9  # whole seconds, as tar keeps them
    os.utime(pyproject, ns=(mtime_ns, mtime_ns))
    assert export(env, project).values == dict(zip(variables("CORP"), (USER, SECRET)))
    assert_plan_saved(env)
    before = os.stat(pyproject)

    text = pyproject.read_text().replace(f":{bound.port}/", f":{other.port}/")
    _replace(pyproject, text, how, mtime_ns)
    after = os.stat(pyproject)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    assert_not_exported(export(env, project), "CORP", SECRET)
    eval_uv(env, project, "lock")
    assert_asked_without(other, SECRET)


# --- 7. where uv authenticates now ----------------------------------------------------------


def test_a_subdirectory_uv_toml_is_not_read(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """From `proj/sub` with its own uv.toml, uv uses proj's settings and authenticates."""
    bind(env, bound.url)
    project = tmp_path / "proj"
    write_project(project, [("corp", bound.simple_url)])
    sub = project / "sub"
    write(sub / "uv.toml", index_table("corp", other.simple_url, table="index", default=True))

    assert_authenticated(exec_uv(env, sub, "lock"), bound)
    assert other.requests == []


def test_a_uv_toml_beside_the_pyproject_and_the_pyproject_indexes_are_both_read(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """uv.toml beside the pyproject, plus the pyproject's own indexes: uv authenticates to both."""
    bind(env, bound.url)
    project = tmp_path / "proj"
    write(project / "uv.toml", index_table("main", bound.simple_url, table="index", default=True))
    body = index_table("pinned", bound.simple_url, explicit=True) + pin("pinned")
    write(project / "pyproject.toml", project_text("p", body, ("tinypkg", "otherpkg")))

    done = exec_uv(env, project, "lock")
    assert_authenticated(done, bound)
    lock = (project / "uv.lock").read_text()
    assert "tinypkg" in lock and "otherpkg" in lock


def test_uv_no_config_still_reads_the_project_indexes(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """Under UV_NO_CONFIG=1 uv still reads the pyproject's indexes, and authenticates."""
    bind(env, bound.url)
    project = tmp_path / "proj"
    body = index_table("corp", bound.simple_url, default=True) + pin("corp")
    write(project / "pyproject.toml", project_text("p", body))

    assert_authenticated(exec_uv({**env, "UV_NO_CONFIG": "1"}, project, "lock"), bound)


def test_uv_config_file_beats_uv_no_config(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """UV_CONFIG_FILE elsewhere beats UV_NO_CONFIG=1: uv authenticates to that file's index."""
    bind(env, bound.url)
    config = write(
        tmp_path / "elsewhere" / "uv.toml",
        index_table("corp", bound.simple_url, table="index", default=True),
    )
    project = tmp_path / "proj"
    write(project / "pyproject.toml", project_text("p"))
    overlay = {"UV_CONFIG_FILE": str(config), "UV_NO_CONFIG": "1"}

    assert_authenticated(exec_uv({**env, **overlay}, project, "lock"), bound)


@pytest.mark.parametrize("variable", ["UV_PROJECT", "UV_WORKING_DIRECTORY"])
def test_uv_project_and_working_directory_move_where_uv_reads(
    variable: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    """UV_PROJECT or UV_WORKING_DIRECTORY, run from another project: uv authenticates."""
    bind(env, bound.url)
    project = write_project(tmp_path / "proj", [("corp", bound.simple_url)]).parent
    elsewhere = write_project(tmp_path / "elsewhere", [("corp", other.simple_url)]).parent

    done = exec_uv({**env, variable: "../proj"}, elsewhere, "lock")
    assert_authenticated(done, bound)
    assert (project / "uv.lock").is_file() and not (elsewhere / "uv.lock").exists()
    assert other.requests == []


def test_a_username_written_into_the_index_url_is_used(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """A username in the index URL and a binding without one: uv sends `me` and the secret."""
    bind(env, bound.url, username=None)
    project = tmp_path / "proj"
    write_project(project, [("corp", bound.simple_url.replace("http://", f"http://{USER}@"))])

    assert_authenticated(exec_uv(env, project, "lock"), bound, USER, SECRET)


SCRIPT = """\
# /// script
# requires-python = ">=3.9"
# dependencies = ["tinypkg"]
#
# [[tool.uv.index]]
# name = "corp"
# url = {url}
# default = true
# ///
print("script ran")
"""


@pytest.mark.parametrize("command", [("lock", "--script", "s.py"), ("run", "s.py")])
def test_a_pep723_script_index_authenticates(
    command: tuple[str, ...], tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """A PEP 723 script's own index: `uv lock --script` and `uv run` authenticate to it."""
    bind(env, bound.url)
    scripts = tmp_path / "scripts"
    write(scripts / "s.py", SCRIPT.format(url=toml(bound.simple_url)))

    done = exec_uv(env, scripts, *command)
    assert_authenticated(done, bound)
    if command[0] == "run":
        assert done.stdout == "script ran\n"
    else:
        assert (scripts / "s.py.lock").is_file()


@pytest.mark.parametrize("members", ["absolute", ".", "both"])
def test_absolute_and_dot_member_globs(
    members: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    """Absolute and `.` member globs: no traceback, the variable exported, uv authenticates."""
    bind(env, bound.url)
    root = tmp_path / "ws"
    globs = {
        "absolute": [f"{root}/packages/*"],
        ".": ["."],
        "both": [".", f"{root}/packages/*"],
    }[members]
    write_workspace(root, bound.simple_url, globs)
    if members != ".":
        write(root / "packages" / "m" / "pyproject.toml", project_text("m"))

    exported = export(env, root)
    assert (exported.values, exported.messages) == (
        dict(zip(variables("CORP"), (USER, SECRET))),
        [],
    )
    assert_authenticated(exec_uv(env, root, "lock"), bound)
