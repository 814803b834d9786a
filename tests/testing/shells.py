"""Drives a real interactive bash, zsh or fish through a pseudo-terminal, under strace.

The user's rc file sets a prompt that shows `$?` as the prompt saw it, `$?` as the user's
own prompt hook saw it (it runs after uvcreds' hook), and a prompt number, so the driver
waits for exactly the prompt a command produces (fish repaints a prompt many times). It
evals `uvcreds init SHELL` twice, as a twice-sourced rc file would.

`uvcreds` is a logging copy of the console script in a directory whose name has a space:
every call appends a line to a log, and `init` prints that copy's path. strace follows the
shell alone (not its children), so `process_creations` sees each process the shell itself
starts between two marker commands.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pexpect

from tests.testing.fakes._server import Closing
from tests.testing.helpers import make_isolated_env

SHELLS = ("bash", "zsh", "fish")

_PROMPT = re.compile(r"__P\[(\d+)\|(\d*)\|(\d+)\]__ ")
_NOISE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
_ENV = re.compile(r"ENV(\{.*?\})ENV")
# A line of strace output for a call that makes a new process (threads do not count).
_CREATES = re.compile(r"^(fork|vfork|clone|clone3|execve|execveat)\(")
# Process calls, and the file tests the marks use (zsh's `test -e` calls access()).
_TRACED = "trace=%process,%%stat,access,faccessat,faccessat2"
_SHOW_ENV = (
    "import json,os,sys; print('ENV%sENV' % json.dumps({n: os.getenv(n) for n in sys.argv[1:]}))"
)

_RC = {
    "bash": """\
PS1='__P[$?|${user_status-}|${n-}]__ '
user_prompt() { user_status=$?; n=$(( ${n-0} + 1 )); }
PROMPT_COMMAND=user_prompt
eval "$(EXE init bash)"
eval "$(EXE init bash)"
""",
    "zsh": """\
setopt prompt_subst
PROMPT='__P[%?|${user_status-}|${n-}]__ '
user_prompt() { user_status=$?; n=$(( ${n-0} + 1 )); }
precmd_functions=(user_prompt)
eval "$(EXE init zsh)"
eval "$(EXE init zsh)"
""",
    "fish": """\
function fish_greeting; end
function fish_title; end
function user_prompt --on-event fish_prompt
    set -g user_status $status
    set -q n; or set -g n 0
    set n (math $n + 1)
end
function fish_prompt
    printf '__P[%s|%s|%s]__ ' $status "$user_status" "$n"
end
EXE init fish | source
EXE init fish | source
""",
}

_ARGV = {
    "bash": ["bash", "--noprofile", "--rcfile", "{home}/.bashrc", "-i"],
    "zsh": ["zsh", "--no-globalrcs", "-i"],
    "fish": ["fish", "-i"],
}

_WRAPPER = """\
#!{python}
import os
import sys

with open(os.environ["HOOK_CALLS_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
canned = os.environ.get("HOOK_CANNED_OUTPUT", "")
if sys.argv[1:2] == ["hook"] and os.path.exists(canned):
    with open(canned) as stream:
        sys.stdout.write(stream.read())
    sys.exit(0)
from uvcreds.__main__ import main

sys.exit(main())
"""


def write_logging_uvcreds(directory: Path) -> Path:
    """A `uvcreds` that logs each call to $HOOK_CALLS_LOG, then runs the real one; or, when
    the file $HOOK_CANNED_OUTPUT exists, answers `hook` with its contents."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "uvcreds"
    exe.write_text(_WRAPPER.format(python=sys.executable))
    exe.chmod(0o755)
    return exe


def rc_file(shell: str, home: Path) -> Path:
    return {
        "bash": home / ".bashrc",
        "zsh": home / ".zshrc",
        "fish": home / ".config" / "fish" / "config.fish",
    }[shell]


@dataclass(frozen=True)
class Prompt:
    output: str  # what the command printed, terminal noise removed
    status: int  # $? ($status) as the prompt saw it
    user_status: str  # $? as the user's own prompt hook saw it


class Session(Closing):
    """One interactive shell; use as a context manager, then read `process_creations`."""

    def __init__(
        self,
        shell: str,
        exe: Path,
        env: dict[str, str],
        cwd: Path,
        trace: Path,
        init_flags: str = "",
    ):
        """`init_flags` (" --store", " --keyring") go after `init SHELL` in the rc file."""
        home = Path(env["HOME"])
        rc = rc_file(shell, home)
        rc.parent.mkdir(parents=True, exist_ok=True)
        text = _RC[shell].replace(f"init {shell}", f"init {shell}{init_flags}")
        rc.write_text(text.replace("EXE", shlex.quote(str(exe))))
        argv = [arg.format(home=home) for arg in _ARGV[shell]]
        self.shell = shell
        self.trace = trace
        self.calls_log = Path(env["HOOK_CALLS_LOG"])
        self._marks = 0
        self._number = 0
        self._child = pexpect.spawn(
            "strace",
            ["-o", str(trace), "-e", _TRACED, "--", *argv],
            env={**env, "ZDOTDIR": str(home)},
            cwd=str(cwd),
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(50, 2000),
            timeout=60,
        )
        self._child.delaybeforesend = None
        self.first = self._wait(1)

    def close(self) -> None:
        if self._child.isalive():
            self._child.sendline("exit")
            self._child.expect(pexpect.EOF, timeout=10)
        self._child.close()

    def run(self, line: str) -> Prompt:
        """Type one command line; wait for the prompt after it."""
        self._child.sendline(line)
        return self._wait(self._number + 1)

    def start(self, line: str) -> None:
        """Type one command line and return at once; `wait` for its prompt."""
        self._child.sendline(line)

    def interrupt(self) -> None:
        self._child.sendcontrol("c")

    def wait(self, timeout: float = 30) -> Prompt:
        """The prompt after the command `start`ed."""
        return self._wait(self._number + 1, timeout)

    def enter(self, count: int) -> Prompt:
        """Press Enter `count` times at an empty prompt; wait for the last new prompt."""
        self._child.send("\r" * count)
        return self._wait(self._number + count)

    def env(self, *names: str) -> dict[str, Optional[str]]:
        """The named variables as a child process (uv) gets them; None when not exported."""
        line = " ".join(shlex.quote(word) for word in [sys.executable, "-c", _SHOW_ENV, *names])
        prompt = self.run(line)
        found = _ENV.findall(prompt.output)
        assert found, f"no ENV line in {prompt.output!r}"
        values: dict[str, Optional[str]] = json.loads(found[-1])
        return values

    def calls(self) -> list[str]:
        """Every uvcreds call so far, one 'hook bash'-like line each."""
        if not self.calls_log.exists():
            return []
        return self.calls_log.read_text().splitlines()

    def mark(self) -> str:
        """Type a marker command (a stat of a path that does not exist); returns its name."""
        self._marks += 1
        name = f"/__uvcreds_mark_{self._marks}"
        self.run(f"test -e {name}")
        return name

    def process_creations(self, start: str, end: str) -> list[str]:
        """strace lines, between two marks, where the shell made a process. After close()."""
        lines = self.trace.read_text(errors="replace").splitlines()
        first = next(i for i, line in enumerate(lines) if f'"{start}"' in line)
        last = next(i for i, line in enumerate(lines) if f'"{end}"' in line)
        return [
            line
            for line in lines[first:last]
            if _CREATES.match(line) and "CLONE_THREAD" not in line
        ]

    def _wait(self, number: int, timeout: float = 60) -> Prompt:
        seen = []
        while True:
            self._child.expect(_PROMPT, timeout=timeout)
            seen.append(self._child.before)
            status, user_status, shown = self._child.match.groups()
            if int(shown) >= number:
                break
        assert int(shown) == number, f"expected prompt {number}, got {shown}"
        self._number = number
        return Prompt(_NOISE.sub("", "".join(seen)), int(status), user_status)


def make_env(root: Path) -> dict[str, str]:
    """An isolated environment (tests.testing.helpers) for a shell: a plain terminal, UTF-8,
    a uvcreds cache whose path has a space, and the log of uvcreds calls."""
    env = make_isolated_env(root / "env")
    env.update(TERM="dumb", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env["UVCREDS_CACHE_DIR"] = str(root / "cache dir")
    env["HOOK_CALLS_LOG"] = str(root / "calls.log")
    Path(env["UVCREDS_CONFIG"]).parent.mkdir(parents=True, exist_ok=True)
    # Else an interactive fish's first start parses every man page in the background.
    (Path(env["XDG_DATA_HOME"]) / "fish" / "generated_completions").mkdir(parents=True)
    return env
