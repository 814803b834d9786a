"""Any token value round-trips exactly through every shell and format, and runs nothing.

The property tests batch: one example is a list of values rendered into one script that one
real shell evaluates. Values carry quotes, command substitutions that would create CANARY,
control characters, non-ASCII and (bash, zsh, fish) bytes that are not UTF-8.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.testing.helpers import (
    credential_table,
    make_isolated_env,
    uvcreds_cmd,
    write_project,
    write_user_config,
)
from tests.testing.hostile import (
    CANARY,
    LOCALES,
    as_bytes,
    created_files,
    fish_evaluate,
    posix_evaluate,
    token_values,
)
from uvcreds.routes.env.formats import dotenv_quote
from uvcreds.routes.env.shells import bash, fish, pwsh

BATCH = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Per example: values to export, and variables the shell already has that are unset.
batches = st.tuples(
    st.lists(token_values(raw_bytes=True), min_size=20, max_size=40),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(LOCALES),
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="uvcreds-quoting-") as directory:
        yield Path(directory)


def changes_for(values: list[str], unsets: int) -> dict[str, str | None]:
    changes: dict[str, str | None] = {f"UVCREDS_T{i}": v for i, v in enumerate(values)}
    changes.update({f"UVCREDS_GONE{i}": None for i in range(unsets)})
    return changes


def expected(changes: dict[str, str | None]) -> dict[str, bytes | None]:
    return {name: None if v is None else as_bytes(v) for name, v in changes.items()}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@settings(BATCH, max_examples=150)
@given(batch=batches)
def test_posix_render_round_trips_and_runs_nothing(
    shell: str, scratch: Path, batch: tuple[list[str], int, str]
) -> None:
    """`export --format sh`, `hook bash` and `hook zsh` print bash.render(); zsh reads it too."""
    values, unsets, locale = batch
    changes = changes_for(values, unsets)
    code = bash.render(changes)
    assert code.isascii() and all(line.isprintable() for line in code.splitlines())
    with tempfile.TemporaryDirectory(dir=scratch) as work:
        gone = [name for name, v in changes.items() if v is None]
        got = posix_evaluate(shell, code, list(changes), Path(work), locale=locale, preset=gone)
        assert got == expected(changes)
        assert created_files(Path(work)) == []


@settings(BATCH, max_examples=150)
@given(batch=batches)
def test_fish_render_round_trips_and_runs_nothing(
    scratch: Path, batch: tuple[list[str], int, str]
) -> None:
    values, unsets, locale = batch
    changes = changes_for(values, unsets)
    code = fish.render(changes)
    with tempfile.TemporaryDirectory(dir=scratch) as work:
        gone = [name for name, v in changes.items() if v is None]
        got = fish_evaluate(code, list(changes), Path(work), locale=locale, preset=gone)
        assert got == expected(changes)
        assert created_files(Path(work)) == []


# PowerShell's single-quoted (verbatim) string, from the language specification's lexical
# grammar (about_Quoting_Rules points there for the quote characters):
#   verbatim-string-literal:
#       single-quote-character verbatim-string-characters? single-quote-character
#   single-quote-character: ' (U+0027), U+2018, U+2019, U+201A, U+201B
#   verbatim-string-part: any character except single-quote-character
#                       | single-quote-character single-quote-character
# Nothing else is special inside: no $, no backtick, no escapes. Which character a pair stands
# for the grammar leaves open; PowerShell's tokenizer keeps the second ("the first is the
# escape"), and so does this decoder.
PS_QUOTES = frozenset("'\u2018\u2019\u201a\u201b")


def ps_verbatim(text: str, start: int) -> tuple[str, int]:
    """The value of the verbatim string starting at text[start], and the index after it."""
    if text[start] not in PS_QUOTES:
        raise ValueError(f"no string at {start}: {text[start : start + 20]!r}")
    out: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char not in PS_QUOTES:
            out.append(char)
            position += 1
        elif position + 1 < len(text) and text[position + 1] in PS_QUOTES:
            out.append(text[position + 1])
            position += 2
        else:
            return "".join(out), position + 1
    raise ValueError("unterminated string")


def ps_read_render(code: str) -> dict[str, str | None]:
    """Read pwsh.render() output as PowerShell would, accepting only its two statement forms:
    `${env:NAME}=<verbatim string>;` and `Remove-Item -LiteralPath <verbatim string> ...;`."""
    removal = " -ErrorAction SilentlyContinue;\n"
    result: dict[str, str | None] = {}
    position = 0
    while position < len(code):
        if code.startswith("${env:", position):
            name_end = code.index("}=", position)
            name = code[position + len("${env:") : name_end]
            assert name.isidentifier(), name
            value, position = ps_verbatim(code, name_end + 2)
            assert code.startswith(";\n", position), code[position:]
            result[name] = value
            position += 2
        elif code.startswith("Remove-Item -LiteralPath ", position):
            path, position = ps_verbatim(code, position + len("Remove-Item -LiteralPath "))
            assert path.startswith("env:/") and code.startswith(removal, position)
            result[path[len("env:/") :]] = None
            position += len(removal)
        else:
            raise AssertionError(
                f"unexpected code at {position}: {code[position : position + 40]!r}"
            )
    return result


@given(
    values=st.lists(token_values(raw_bytes=False), min_size=20, max_size=40),
    unsets=st.integers(0, 3),
)
@settings(max_examples=200, deadline=None)
def test_pwsh_render_is_verbatim_strings_only(values: list[str], unsets: int) -> None:
    changes = changes_for(values, unsets)
    assert ps_read_render(pwsh.render(changes)) == changes


@given(values=st.lists(token_values(raw_bytes=False), min_size=20, max_size=40))
@settings(max_examples=200, deadline=None)
def test_dotenv_format_is_read_back_by_python_dotenv(values: list[str]) -> None:
    """dotenv_quote is what `export --format dotenv` writes; python-dotenv's own parser reads it."""
    names = [f"UVCREDS_T{i}" for i in range(len(values))]
    text = "".join(f"{name}={dotenv_quote(v)}\n" for name, v in zip(names, values))
    assert dict(dotenv_values(stream=io.StringIO(text), interpolate=False)) == dict(
        zip(names, values)
    )


# End to end: the same values through the real `uvcreds export` and `uvcreds hook`, each value
# the secret of an env-provider index (username and password both), evaluated in each shell.
e2e_values = st.lists(token_values(raw_bytes=True), min_size=2, max_size=8)


@given(values=e2e_values, locale=st.sampled_from(LOCALES))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_export_and_hook_output_round_trips_in_real_shells(
    scratch: Path, values: list[str], locale: str
) -> None:
    with tempfile.TemporaryDirectory(dir=scratch) as root_name:
        root = Path(root_name)
        env = make_isolated_env(root / "env")
        project = root / "project"
        pairs = len(values) // 2
        write_project(
            project, [(f"idx{i}", f"https://idx{i}.example/simple/") for i in range(pairs)]
        )
        write_user_config(
            env,
            "".join(
                credential_table(
                    f"https://idx{i}.example/",
                    provider="env",
                    username_env=f"U{i}",
                    password_env=f"P{i}",
                )
                for i in range(pairs)
            ),
        )
        want: dict[str, bytes | None] = {}
        for i in range(pairs):
            env[f"U{i}"], env[f"P{i}"] = values[2 * i], values[2 * i + 1]
            want[f"UV_INDEX_IDX{i}_USERNAME"] = as_bytes(values[2 * i])
            want[f"UV_INDEX_IDX{i}_PASSWORD"] = as_bytes(values[2 * i + 1])
        work = root / "work"
        work.mkdir()
        for command, evaluate in (
            (["export"], "bash"),
            (["export", "--format", "sh"], "zsh"),
            (["export", "--format", "fish"], "fish"),
            (["hook", "bash"], "bash"),
            (["hook", "zsh"], "zsh"),
            (["hook", "fish"], "fish"),
        ):
            done = subprocess.run(
                [*uvcreds_cmd(), *command], env=env, cwd=project, capture_output=True, check=False
            )
            assert (done.returncode, done.stderr) == (0, b""), (command, done.stderr)
            code = os.fsdecode(done.stdout)
            if evaluate == "fish":
                got = fish_evaluate(code, list(want), work, locale=locale, preset=[])
            else:
                got = posix_evaluate(evaluate, code, list(want), work, locale=locale, preset=[])
            assert got == want, command
            assert created_files(work) == [], command
        done = subprocess.run(
            [*uvcreds_cmd(), "export", "--format", "json"],
            env=env,
            cwd=project,
            capture_output=True,
            check=True,
        )
        decoded = json.loads(done.stdout)
        assert {k: as_bytes(v) for k, v in decoded.items()} == want
    assert not (Path.cwd() / CANARY).exists()
