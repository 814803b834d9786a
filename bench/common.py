"""Shared by the benchmarks: an installed uvcreds (as a user gets it) and a timer."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / "bench" / ".venv"


def installed_uvcreds() -> tuple[str, str]:
    """(python, uvcreds) from a venv with a regular, non-editable install of this checkout.

    An editable install adds a path entry that every import searches, and old pips write
    console scripts that import `re`; users get neither from `pip install`, `pipx` or
    `uv tool install`, so neither is measured.
    """
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-U", "pip"], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
        check=True,
    )
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    return str(python), str(BENCH_VENV / "bin" / "uvcreds")


def median_seconds(
    argv: Sequence[str], env: Mapping[str, str], cwd: Path, runs: int, warmup: int = 5
) -> float:
    """Median wall time of running argv to completion, stdout discarded."""
    times = []
    for position in range(warmup + runs):
        started = time.perf_counter()
        subprocess.run(argv, env=dict(env), cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        if position >= warmup:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved(
    commands: Mapping[str, Sequence[str]], env: Mapping[str, str], cwd: Path, rounds: int
) -> dict[str, float]:
    """Medians of several commands timed in alternation, so machine noise hits them alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            samples[name].append(median_seconds(argv, env, cwd, runs=5, warmup=1))
    return {name: statistics.median(values) for name, values in samples.items()}


def clean_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV", "AWS_", "XDG_"))}
    env.update(HOME=str(root / "home"), UVCREDS_CACHE_DIR=str(root / "cache"))
    env["UVCREDS_CONFIG"] = str(root / "config.toml")
    (root / "home").mkdir(parents=True, exist_ok=True)
    return env


def uv_env(root: Path, extra: Mapping[str, str]) -> dict[str, str]:
    """clean_env for uv runs under `root`: its own cache and user config, this Python, no
    downloads, no proxy; `extra` on top (a vendor fake's variables)."""
    env = clean_env(root)
    env.update(extra)
    env.update(
        UV_CACHE_DIR=str(root / "uv-cache"),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        XDG_CONFIG_HOME=str(root / "home" / ".config"),
        NO_PROXY="*",
    )
    return env
