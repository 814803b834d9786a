"""Index discovery, case by case against uv's rules (DESIGN.md, "Finding the indexes")."""

from __future__ import annotations

from pathlib import Path

import pytest

from uvcreds.model import SETTINGS
from uvcreds.names import env_stem, name_problem, password_var, username_var
from uvcreds.uv.discovery import discover
from uvcreds.uv.found import Discovery


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment with user and system config directories of our own, and nothing else."""
    (tmp_path / "home").mkdir()
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg-system"),
    }


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def index_toml(name: str, url: str, table: str = "tool.uv.index") -> str:
    return f'[[{table}]]\nname = "{name}"\nurl = "{url}"\n'


def names(found: Discovery) -> list[tuple[str, str]]:
    """uv's settings list: the indexes it uses, first definition of a name kept."""
    first: dict[str, str] = {}
    for index in found.indexes:
        if index.role == SETTINGS:
            first.setdefault(index.name, index.url)
    return list(first.items())


def destinations(found: Discovery) -> list[tuple[str, str, str]]:
    """Every index uv reads a credential variable for, with its role."""
    return [(index.name, index.url, index.role) for index in found.indexes]


def project(name: str = "p") -> str:
    return f'[project]\nname = "{name}"\nversion = "0"\n'


def test_walks_up_from_a_nested_directory(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "proj" / "pyproject.toml", index_toml("corp", "https://corp.example/simple/"))
    deep = tmp_path / "proj" / "src" / "pkg"
    deep.mkdir(parents=True)
    found = discover(deep, home)
    assert names(found) == [("corp", "https://corp.example/simple/")]
    assert found.project_files == [tmp_path / "proj" / "pyproject.toml"]


def test_uv_toml_beats_pyproject_in_the_same_directory(
    tmp_path: Path, home: dict[str, str]
) -> None:
    write(tmp_path / "pyproject.toml", index_toml("from-pyproject", "https://a.example/simple/"))
    write(tmp_path / "uv.toml", index_toml("from-uv-toml", "https://b.example/simple/", "index"))
    assert names(discover(tmp_path, home)) == [("from-uv-toml", "https://b.example/simple/")]


def test_pyproject_without_tool_uv_is_skipped(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("outer", "https://outer.example/simple/"))
    write(tmp_path / "inner" / "pyproject.toml", '[project]\nname = "inner"\n')
    assert names(discover(tmp_path / "inner", home)) == [("outer", "https://outer.example/simple/")]


def test_first_hit_stops_the_walk(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("outer", "https://outer.example/simple/"))
    write(tmp_path / "inner" / "pyproject.toml", index_toml("inner", "https://in.example/simple/"))
    found = discover(tmp_path / "inner", home)
    assert names(found) == [("inner", "https://in.example/simple/")]
    # Kept as a possible destination: uv reads it should it fail to read the inner one.
    assert ("outer", "https://outer.example/simple/", "fallback") in destinations(found)


def test_user_then_system_config_follow_the_project(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "p" / "pyproject.toml", index_toml("proj", "https://p.example/simple/"))
    user = Path(home["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
    system = Path(home["XDG_CONFIG_DIRS"]) / "uv" / "uv.toml"
    write(user, index_toml("user", "https://u.example/simple/", "index"))
    write(system, index_toml("system", "https://s.example/simple/", "index"))
    found = discover(tmp_path / "p", home)
    assert [name for name, _ in names(found)] == ["proj", "user", "system"]
    assert [i.source for i in found.indexes[1:]] == [str(user), str(system)]
    without_system = discover(tmp_path / "p", {**home, "UV_NO_SYSTEM_CONFIG": "1"})
    assert [name for name, _ in names(without_system)] == ["proj", "user"]


def test_user_config_falls_back_to_home_dot_config(tmp_path: Path, home: dict[str, str]) -> None:
    environ = {k: v for k, v in home.items() if k != "XDG_CONFIG_HOME"}
    write(
        Path(home["HOME"]) / ".config" / "uv" / "uv.toml",
        index_toml("dotconfig", "https://d.example/simple/", "index"),
    )
    assert names(discover(tmp_path, environ)) == [("dotconfig", "https://d.example/simple/")]


def test_environment_entries_come_first(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("proj", "https://p.example/simple/"))
    environ = {
        **home,
        "UV_INDEX": "first=https://one.example/simple/ https://unnamed.example/simple/\n"
        "second=https://two.example/simple/?a=b",
        "UV_DEFAULT_INDEX": "default=https://default.example/simple/",
    }
    assert names(discover(tmp_path, environ)) == [
        ("default", "https://default.example/simple/"),
        ("first", "https://one.example/simple/"),
        ("second", "https://two.example/simple/?a=b"),
        ("proj", "https://p.example/simple/"),
    ]


def test_a_url_with_equals_is_not_a_name(tmp_path: Path, home: dict[str, str]) -> None:
    environ = {**home, "UV_INDEX": "https://x.example/simple/?token=abc"}
    assert names(discover(tmp_path, environ)) == []


def test_uv_config_file_is_the_only_file_read(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("proj", "https://p.example/simple/"))
    write(Path(home["XDG_CONFIG_HOME"]) / "uv" / "uv.toml", index_toml("u", "https://u/", "index"))
    write(tmp_path / "ci" / "uv.toml", index_toml("ci", "https://ci.example/simple/", "index"))
    environ = {**home, "UV_CONFIG_FILE": "ci/uv.toml"}
    assert names(discover(tmp_path, environ)) == [("ci", "https://ci.example/simple/")]


def test_uv_no_config_leaves_only_the_environment(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("proj", "https://p.example/simple/"))
    environ = {**home, "UV_NO_CONFIG": "true", "UV_INDEX": "env=https://e.example/simple/"}
    assert names(discover(tmp_path, environ)) == [("env", "https://e.example/simple/")]
    assert names(discover(tmp_path, {**home, "UV_NO_CONFIG": "0"})) == [
        ("proj", "https://p.example/simple/")
    ]


def test_same_name_twice_the_first_wins(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", index_toml("corp", "https://project.example/simple/"))
    environ = {**home, "UV_INDEX": "corp=https://env.example/simple/"}
    found = discover(tmp_path, environ)
    assert names(found) == [("corp", "https://env.example/simple/")]
    assert found.problems == []
    # uv stores the credential for both: both are destinations of UV_INDEX_CORP_*.
    assert destinations(found) == [
        ("corp", "https://env.example/simple/", "settings"),
        ("corp", "https://project.example/simple/", "settings"),
    ]


def test_two_names_one_variable_are_both_found(tmp_path: Path, home: dict[str, str]) -> None:
    """Both are uv's and both get UV_INDEX_MY_INDEX_*: the pipeline decides per variable."""
    text = index_toml("My-Index", "https://a.example/simple/") + index_toml(
        "my_index", "https://b.example/simple/"
    )
    write(tmp_path / "pyproject.toml", text)
    found = discover(tmp_path, home)
    assert names(found) == [
        ("My-Index", "https://a.example/simple/"),
        ("my_index", "https://b.example/simple/"),
    ]
    assert found.problems == []


def test_names_uv_rejects_are_reported_not_exported(tmp_path: Path, home: dict[str, str]) -> None:
    path = write(tmp_path / "pyproject.toml", index_toml("bad name", "https://a.example/simple/"))
    found = discover(tmp_path, {**home, "UV_INDEX": "caf\u00e9=https://b.example/simple/"})
    assert found.indexes == []
    assert [p.message for p in found.problems] == [
        "UV_INDEX: index name 'caf\u00e9' has '\u00e9': uv allows only ASCII letters, digits, "
        "'-', '_' and '.'; rename it",
        f"{path}: [tool.uv] index entry 1 has the name 'bad name', which uv refuses; uv skips "
        "this file and reads the settings further up",
    ]
    path.write_text(project() + index_toml("bad name", "https://a.example/simple/"))
    assert [p.message for p in discover(tmp_path, home).problems] == [
        f"{path}: [[tool.uv.index]] entry 1: index name 'bad name' has ' ': uv allows only ASCII "
        "letters, digits, '-', '_' and '.'; rename it",
    ]


def test_unnamed_indexes_are_skipped(tmp_path: Path, home: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", '[[tool.uv.index]]\nurl = "https://a.example/simple/"\n')
    found = discover(tmp_path, home)
    assert found.indexes == [] and found.problems == []


def test_workspace_members_indexes_count(tmp_path: Path, home: dict[str, str]) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skipped"]\n'
        + index_toml("root", "https://root.example/simple/"),
    )
    member = project("a") + index_toml("a", "https://a.example/")
    write(tmp_path / "packages" / "a" / "pyproject.toml", member)
    write(tmp_path / "packages" / "skipped" / "pyproject.toml", index_toml("s", "https://s/"))
    expected = [
        ("root", "https://root.example/simple/", "settings"),
        ("a", "https://a.example/", "project"),
    ]
    assert destinations(discover(tmp_path, home)) == expected
    assert destinations(discover(tmp_path / "packages" / "a", home)) == expected


def test_relative_paths_resolve_against_the_config_file(
    tmp_path: Path, home: dict[str, str]
) -> None:
    write(tmp_path / "pyproject.toml", index_toml("local", "wheels"))
    assert names(discover(tmp_path, home)) == [("local", str(tmp_path / "wheels"))]


def test_malformed_toml_names_the_file_and_line(tmp_path: Path, home: dict[str, str]) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.uv]\n[[tool.uv.index]]\nname = "x\n')
    found = discover(tmp_path, home)
    assert len(found.problems) == 1
    message = found.problems[0].message
    assert message.startswith(f"{path}: invalid TOML: ") and "line 3" in message
    assert message.endswith("; fix the file")


def test_wrong_shapes_are_problems_not_crashes(tmp_path: Path, home: dict[str, str]) -> None:
    skipped = "uv skips this file and reads the settings further up"
    path = write(tmp_path / "pyproject.toml", '[tool.uv]\nindex = "nope"\n')
    assert [p.message for p in discover(tmp_path, home).problems] == [
        f"{path}: [tool.uv] 'index' is not an array of tables; {skipped}"
    ]
    entries = '[[tool.uv.index]]\nname = 3\nurl = "https://a/"\n[[tool.uv.index]]\nname="b"\n'
    path.write_text(entries)
    assert [p.message for p in discover(tmp_path, home).problems] == [
        f"{path}: [tool.uv] index entry 1 has the name 3, which uv refuses; {skipped}"
    ]
    path.write_text(project() + entries)  # a project's indexes are read whatever the settings
    assert [p.message for p in discover(tmp_path, home).problems] == [
        f"{path}: [[tool.uv.index]] entry 1: 'name' must be a string",
        f"{path}: [[tool.uv.index]] entry 2 needs a string 'url'",
    ]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("internal-proxy", "INTERNAL_PROXY"),
        ("internal-proxy.v2", "INTERNAL_PROXY_V2"),
        ("My_Index", "MY_INDEX"),
        ("pypi2", "PYPI2"),
        ("a.b-c_D9", "A_B_C_D9"),
    ],
)
def test_variable_names_as_uv_forms_them(name: str, stem: str) -> None:
    assert env_stem(name) == stem
    assert username_var(name) == f"UV_INDEX_{stem}_USERNAME"
    assert password_var(name) == f"UV_INDEX_{stem}_PASSWORD"
    assert name_problem(name) is None


# --- each uv command's own set (uv/commandline.py kinds) ---------------------------------


def workspace_with_a_shadowing_member(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write(
        root / "pyproject.toml",
        project("ws")
        + '[tool.uv]\npublish-url = "https://up.example/legacy/"\n'
        + 'check-url = "https://corp.example/check/"\n'
        + '[tool.uv.workspace]\nmembers = ["m"]\n'
        + index_toml("corp", "https://corp.example/simple/"),
    )
    write(root / "m" / "pyproject.toml", project("m") + index_toml("corp", "https://m.example/"))
    return root


def test_each_command_reads_its_own_set(tmp_path: Path, home: dict[str, str]) -> None:
    root = workspace_with_a_shadowing_member(tmp_path)
    write(Path(home["XDG_CONFIG_HOME"]) / "uv" / "uv.toml", index_toml("u", "https://u/", "index"))
    environ = {**home, "UV_INDEX": "e=https://e.example/"}
    corp, member = "https://corp.example/simple/", "https://m.example/"
    user, env = ("u", "https://u/", "settings"), ("e", "https://e.example/", "settings")

    def found(command: str, **extra: str) -> list[tuple[str, str, str]]:
        return destinations(discover(root, {**environ, **extra}, command=command))

    assert found("project") == [env, ("corp", corp, "settings"), user, ("corp", member, "project")]
    assert found("pip") == [env, ("corp", corp, "settings"), user, ("corp", member, "fallback")]
    assert found("tool") == [env, user]
    # publish: the settings files alone; the settings' check-url is on corp's host. Only
    # the index it checks (`--index NAME`, or the one at the check URL) is more than a
    # place its variable could go.
    check = ("corp", "https://corp.example/check/", "upload")
    idle_user = ("u", "https://u/", "idle")
    assert found("publish") == [("corp", corp, "idle"), idle_user, check]
    upload = ("corp", "https://corp.example/up/", "upload")
    assert found("publish", UV_PUBLISH_URL="https://corp.example/up/") == [
        ("corp", corp, "idle"),
        idle_user,
        upload,
        check,
    ]
    assert found("publish", UV_PUBLISH_INDEX="corp") == [("corp", corp, "settings"), idle_user]
    checked = found("publish", UV_PUBLISH_CHECK_URL=corp)
    assert checked == [("corp", corp, "settings"), idle_user, ("corp", corp, "upload")]
    found_publish = discover(root, environ, command="publish")
    assert found_publish.publish_setting == (
        "https://up.example/legacy/",
        str(root / "pyproject.toml"),
    )


def test_uv_working_dir_beats_uv_working_directory(tmp_path: Path, home: dict[str, str]) -> None:
    """uv 0.13 reads `UV_WORKING_DIR` (its `--directory`), then the older name."""
    write(tmp_path / "a" / "pyproject.toml", project("a") + index_toml("a", "https://a/"))
    write(tmp_path / "b" / "pyproject.toml", project("b") + index_toml("b", "https://b/"))
    environ = {**home, "UV_WORKING_DIR": str(tmp_path / "a")}
    both = {**environ, "UV_WORKING_DIRECTORY": str(tmp_path / "b")}
    assert names(discover(tmp_path, both)) == [("a", "https://a/")]
