"""Hostile input for the security tests: token values, index names, and the shells that read them.

`token_values()` draws text meant to break out of a quoted word: quotes of every kind, command
substitutions that would create a file named CANARY, control characters, non-ASCII, and (for
the POSIX shells and fish) bytes that are not UTF-8, carried as surrogate escapes the way
`os.environ` carries them. Each `*_evaluate` runs one real shell over one script and returns
the bytes each variable holds afterwards.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hypothesis import Phase
from hypothesis import strategies as st

CANARY = "CANARY"
# For tests whose every example runs subprocesses: report a failing example as found, since
# shrinking it would take minutes.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)

# Pieces that mean something to some shell, some parser or some terminal.
INJECTIONS = (
    f"$(touch {CANARY})",
    f"`touch {CANARY}`",
    f"; touch {CANARY}",
    f"&& touch {CANARY}",
    f"| touch {CANARY}",
    f"\ntouch {CANARY}\n",
    f"'; touch {CANARY}; '",
    f'"; touch {CANARY}; "',
    f"'$(touch {CANARY})'",
    f"$'\\n'; touch {CANARY}",
    f"(touch {CANARY})",
    f"<(touch {CANARY})",
    f"{{touch,{CANARY}}}",
    f">{CANARY}",
    f"2>>{CANARY}",
    f"$(touch${{IFS}}{CANARY})",
    f"\u2019; touch {CANARY}; \u2018",
    f"'+$(New-Item {CANARY})+'",
    f"@'\n$(touch {CANARY})\n'@",
    "'",
    '"',
    "\\",
    "\\'",
    "'\\''",
    "''",
    "\\\\",
    "\\n",
    "\\x41",
    "\\X41",
    "\\u0041",
    "\\e[31m",
    "$HOME",
    "${HOME}",
    "${HOME:-x}",
    "$((1+1))",
    "$$",
    "$",
    "!!",
    "!$",
    "%",
    "%s%n%x",
    "%0A",
    "%25",
    "=",
    "==",
    "-",
    "--",
    "-e",
    "-n",
    "--help",
    "*",
    "?",
    "[a-z]",
    "~",
    "~root",
    "#",
    "# comment",
    "{a,b}",
    "&",
    "|",
    ";",
    "<",
    ">",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x7f",
    "\x85",
    "\x9b2J",
    "\u2018",
    "\u2019",
    "\u201a",
    "\u201b",
    "\u201c",
    "\u201d",
    "\u00a0",
    "\u2028",
    "\u202e",
    "\ufeff",
    "caf\u00e9",
    "\u65e5\u672c",
    "\U0001f600",
    "::add-mask::",
    "<<EOF",
    "export X=1",
    "set -gx X 1",
)

_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")


def token_values(*, raw_bytes: bool) -> st.SearchStrategy[str]:
    """Any value a token could be (never NUL). `raw_bytes`: also bytes that are not UTF-8,
    as `os.fsdecode` gives them (surrogate escapes), as in the environment."""
    pieces = [st.sampled_from(INJECTIONS), st.text(_CHARACTERS, max_size=10)]
    if raw_bytes:
        pieces.append(
            st.binary(min_size=1, max_size=6).filter(lambda b: b"\0" not in b).map(os.fsdecode)
        )
    return st.lists(st.one_of(pieces), max_size=6).map("".join)


def as_bytes(value: str) -> bytes:
    """The bytes a value stands for (surrogate escapes back to the bytes they came from)."""
    return value.encode("utf-8", "surrogateescape")


# Environment for a shell evaluating hostile code: no rc files, a minimal PATH (so `touch`
# would be found if anything ran it), and a chosen locale.
def shell_env(locale: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "LC_ALL": locale, "HOME": "/nonexistent"}


LOCALES = ("C", "C.UTF-8")


def _run(argv: Sequence[str], cwd: Path, locale: str) -> bytes:
    done = subprocess.run(
        list(argv), cwd=cwd, env=shell_env(locale), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0 and done.stderr == b"", (done.returncode, done.stderr)
    return done.stdout


def posix_evaluate(
    shell: str, code: str, names: Sequence[str], cwd: Path, *, locale: str, preset: Sequence[str]
) -> dict[str, bytes | None]:
    """Run `code` in bash or zsh (no rc files) after exporting each `preset` name; then each
    name's value as bytes, or None when it is unset."""
    before = "".join(f"export {name}=preset;\n" for name in preset)
    report = "".join(
        f'if [ -n "${{{name}+x}}" ]; then printf "s%s\\0" "${name}"; else printf "u\\0"; fi\n'
        for name in names
    )
    argv = ["bash", "--norc", "--noprofile", "-c"] if shell == "bash" else ["zsh", "-f", "-c"]
    return _records(_run([*argv, before + code + "\n" + report], cwd, locale), names)


def fish_evaluate(
    code: str, names: Sequence[str], cwd: Path, *, locale: str, preset: Sequence[str]
) -> dict[str, bytes | None]:
    """As posix_evaluate, in fish (no config)."""
    before = "".join(f"set -gx {name} preset;\n" for name in preset)
    report = "".join(
        f'if set -q {name}; printf "s%s\\0" "${name}"; else; printf "u\\0"; end\n' for name in names
    )
    return _records(
        _run(["fish", "--no-config", "-c", before + code + "\n" + report], cwd, locale), names
    )


def _records(stdout: bytes, names: Sequence[str]) -> dict[str, bytes | None]:
    records = stdout.split(b"\0")
    assert records[-1] == b"" and len(records) == len(names) + 1, stdout
    return {
        name: record[1:] if record[:1] == b"s" else None
        for name, record in zip(names, records[:-1])
    }


def created_files(directory: Path) -> list[str]:
    """What anything (a command that should never have run) left in a scratch directory."""
    return sorted(os.listdir(directory))


def assert_clean_stderr(stderr: str) -> list[str]:
    """No traceback, every line a `uvcreds: ` message, nothing a terminal would act on."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert stderr == "".join(line + "\n" for line in lines), repr(stderr)
    for line in lines:
        assert line.startswith("uvcreds: "), repr(stderr)
        assert line.isprintable(), repr(line)
    return lines
