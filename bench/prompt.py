"""Prompts where nothing changed: uvcreds' snippet against direnv's hook, in bash and zsh.

Both are loaded in a project whose three indexes they export (direnv from an allowed
.envrc exporting the same variables), then their prompt hook is called 1000 times in a
loop in `bash -c` / `zsh -c`: uvcreds' snippet decides with builtins alone, direnv's
hook runs `direnv export` each time. The wall time of the whole child process is taken,
shell start-up included, nothing subtracted. Target (issue 5): ratio <= 0.05.

Also the warm `uvcreds hook bash` process (when the snippet does run it) against bare
`python -I -c pass`, timed in alternation. Target: ratio <= 1.5.
"""

from __future__ import annotations

import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import clean_env, installed_uvcreds, interleaved
from export import CONFIG, PROJECT

PROMPTS = 1000
ROUNDS = 3
# After the hook's output is evaluated, the snippets note which watched files exist and
# the values of the secret variables the bindings name.
_NOTE_EXISTING = (
    '__uvcreds_had=(); for f in "${__uvcreds_watch[@]}"; do '
    '[[ -e $f ]] && __uvcreds_had+=("$f"); done; __uvcreds_values\n'
)
_SHELL = {"bash": ["bash", "--norc", "--noprofile", "-c"], "zsh": ["zsh", "-f", "-c"]}


def main() -> None:
    python, uvcreds = installed_uvcreds()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = root / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text(PROJECT)
        (root / "config.toml").write_text(CONFIG)
        env = clean_env(root)
        env.update(JFROG_TOKEN="j", CORP_TOKEN="c", TEAM9_USER="u", TEAM9_TOKEN="t")
        for name in ("CONFIG", "DATA", "CACHE"):  # direnv's allow list and config stay here
            env[f"XDG_{name}_HOME"] = str(root / "xdg" / name.lower())
        _write_envrc(uvcreds, env, project)

        for shell in _SHELL:
            loops = _prompt_loops(shell, uvcreds, env, project, root)
            times = _alternate(shell, loops, env, project)
            ours, theirs = times["uvcreds"], times["direnv"]
            print(f"{shell}: {PROMPTS} unchanged prompts (median of {ROUNDS})")
            print(f"  uvcreds snippet  {ours * 1000:9.1f} ms")
            print(f"  direnv hook      {theirs * 1000:9.1f} ms")
            print(f"  ratio            {ours / theirs:9.3f}    (target <= 0.05)")

        medians = interleaved(
            {
                "python -I -c pass": [python, "-I", "-c", "pass"],
                "uvcreds hook bash": [uvcreds, "hook", "bash"],
            },
            env,
            project,
            rounds=20,
        )
    baseline, warm = medians["python -I -c pass"], medians["uvcreds hook bash"]
    print(f"python -I -c pass          {baseline * 1000:7.1f} ms (median)")
    print(f"uvcreds hook bash (warm)   {warm * 1000:7.1f} ms (median, 3 indexes)")
    print(f"ratio                      {warm / baseline:7.2f}   (target <= 1.5)")


def _write_envrc(uvcreds: str, env: Mapping[str, str], project: Path) -> None:
    """An .envrc exporting what uvcreds exports here, allowed."""
    exported = _output([uvcreds, "export", "--format", "json"], env, project)
    values: dict[str, str] = json.loads(exported)
    envrc = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values.items())
    (project / ".envrc").write_text(envrc)
    _output(["direnv", "allow", str(project)], env, project)


def _prompt_loops(
    shell: str, uvcreds: str, env: Mapping[str, str], project: Path, root: Path
) -> dict[str, str]:
    """For each tool: a script that loads its hook and state, then runs PROMPTS prompts.

    The hook code and the state it had after entering the project are saved to files
    first, so that loading them spawns nothing. The uvcreds loop ends by checking that its
    stamp is the one it started with: no prompt ran uvcreds.
    """
    files = root / shell
    files.mkdir()
    (files / "uvcreds-hook").write_text(_output([uvcreds, "init", shell], env, project))
    state = _output([uvcreds, "hook", shell], env, project)
    (files / "uvcreds-state").write_text(state + _NOTE_EXISTING)
    (files / "direnv-hook").write_text(_output(["direnv", "hook", shell], env, project))
    (files / "direnv-state").write_text(_output(["direnv", "export", shell], env, project))
    loop = f"for i in {{1..{PROMPTS}}}; do HOOK; done"
    uvcreds_loop = (
        f"source {files}/uvcreds-hook; source {files}/uvcreds-state; stamp=$__uvcreds_stamp; "
        + loop.replace("HOOK", "__uvcreds_hook")
        + '; [[ $stamp == "$__uvcreds_stamp" ]] || { echo "uvcreds ran" >&2; exit 1; }'
    )
    direnv_loop = f"source {files}/direnv-hook; source {files}/direnv-state; " + loop.replace(
        "HOOK", "_direnv_hook"
    )
    return {"uvcreds": uvcreds_loop, "direnv": direnv_loop}


def _alternate(
    shell: str, scripts: Mapping[str, str], env: Mapping[str, str], cwd: Path
) -> dict[str, float]:
    """Median wall time of each script, the tools taking turns."""
    samples: dict[str, list[float]] = {name: [] for name in scripts}
    for _ in range(ROUNDS):
        for name, script in scripts.items():
            argv = [*_SHELL[shell], script]
            started = time.perf_counter()
            subprocess.run(argv, env=dict(env), cwd=cwd, check=True, stdout=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def _output(argv: list[str], env: Mapping[str, str], cwd: Path) -> str:
    done = subprocess.run(argv, env=dict(env), cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} {argv[1]} failed: {done.stderr.strip()}")
    return done.stdout


if __name__ == "__main__":
    main()
