"""Values and paths the hook prints come back byte for byte in the real bash, zsh and fish,
evaluated the way the snippets evaluate them, and nothing in them is ever run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.shells import SHELLS, make_env
from uvcreds.routes.env.shells import SHELLS as MODULES

TRICKY = [
    "",
    "plain",
    "it's",
    'say "hi"',
    "back\\slash \\n \\x41 \\'",
    "$HOME ${HOME} `touch pwned` $(touch pwned) $((1+1))",
    "\n\t\r",
    "trailing newlines\n\n",
    "é ünï 日本 \u2018pwsh quotes\u201b",
    "!hist !! *glob ?[x] {a,b} ~tilde ~root",
    "\x01\x1f\x7f",
    "--x",
    "-n",
    "-e",
    "=ls",
    "a:=ls",
    "x=y",
    "a:=~/x:~",
    "%1 @x #comment",
    "%1",
    "@x",
    "+x:y,z/./..",
    ";&|<>() ",
    "\udcff not UTF-8 \udc80",
    " leading and trailing spaces ",
    "a'b\"c\\d$e`f",
]

# How each snippet evaluates the hook's output (captured first, as the snippets do), then
# what is printed: each listed variable's value, NUL-terminated, to the file "vars".
_EVAL = {
    "bash": 'export GONE=x; out=$(<code); eval "$out"; '
    'printf \'%s\\0\' "$__uvcreds_dir" "$__uvcreds_stamp" "${__uvcreds_watch[@]}" > vars',
    "fish": "set -gx GONE x; set -l out (cat code | string collect); printf '%s\\n' $out | source; "
    "printf '%s\\0' $__uvcreds_dir $__uvcreds_stamp $__uvcreds_watch > vars",
}
_EVAL["zsh"] = _EVAL["bash"]
_ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "-c"],
    "zsh": ["zsh", "-f", "-c"],
    "fish": ["fish", "--no-config", "-c"],
}
_DUMP = "import json, os; print(json.dumps({k.decode(): v.hex() for k, v in os.environb.items()}))"


def _raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize("shell", SHELLS)
def test_tricky_values_and_paths_round_trip(shell: str, tmp_path: Path) -> None:
    module = MODULES[shell]
    changes: dict[str, str | None] = {f"V{i}": value for i, value in enumerate(TRICKY)}
    changes["GONE"] = None
    paths = [f"/tmp/{value}" for value in TRICKY]
    code = module.render(changes) + module.render_watch(
        paths[5], paths[6], 2**31 - 1, paths, ["SECRET_VAR"]
    )
    (tmp_path / "code").write_bytes(_raw(code))
    script = f"{_EVAL[shell]}; exec {sys.executable} -c {json.dumps(_DUMP)}"
    done = subprocess.run(
        [*_ARGV[shell], script], env=make_env(tmp_path), cwd=tmp_path, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert not (tmp_path / "pwned").exists()
    environ = {name: bytes.fromhex(value) for name, value in json.loads(done.stdout).items()}
    assert {f"V{i}": environ.get(f"V{i}") for i in range(len(TRICKY))} == {
        f"V{i}": _raw(value) for i, value in enumerate(TRICKY)
    }
    assert "GONE" not in environ
    printed = (tmp_path / "vars").read_bytes().split(b"\0")[:-1]
    assert printed == [_raw(paths[5]), _raw(paths[6]), *map(_raw, paths)]


@pytest.mark.parametrize("shell", SHELLS)
def test_the_output_is_one_printable_ascii_line_per_statement(shell: str) -> None:
    """No raw control byte or non-ASCII reaches the terminal-facing eval."""
    module = MODULES[shell]
    code = module.render({f"V{i}": value for i, value in enumerate(TRICKY)})
    lines = code.splitlines()
    assert len(lines) == len(TRICKY)
    assert all(line.isascii() and line.isprintable() for line in lines)
