"""32 `uvcreds export` started together on an empty cache, against one cold `uvcreds export`.

The vendor is the fake CodeArtifact of the tests (real boto3 signs and sends the request),
answering after a fixed delay, as a real token endpoint takes a while. Targets (issue 4):
the 32 make exactly 1 request between them, and they are all done within 1.5x the time of
a single cold fetch. Single and stampede rounds alternate, each on a fresh cache; after
each stampede, 32 more start together with every token cached but no plan (the full path,
no fetch), which is what starting 32 interpreters costs on this machine.

Usage: python bench/stampede.py [SERVER_DELAY_SECONDS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.testing.fakes
from common import clean_env, installed_uvcreds
from tests.testing.fakes.codeartifact import CodeArtifactFake

PROCESSES = 32
SERVER_DELAY = 3.0  # seconds the fake takes to answer (argv[1] overrides)
ROUNDS = 3
PROJECT = """\
[project]
name = "bench"
version = "0"

[[tool.uv.index]]
name = "codeartifact"
url = "https://my-dom-123456789012.d.codeartifact.us-west-2.amazonaws.com/pypi/repo/simple/"
"""


def cold_exports(
    uvcreds: str, env: Mapping[str, str], project: Path, cache: Path, count: int
) -> float:
    """Wall time of `count` exports started together; all must succeed, with one token."""
    run_env = {**env, "UVCREDS_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [uvcreds, "export"],
            env=run_env,
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    outputs = {child.communicate()[0] for child in children}
    elapsed = time.perf_counter() - started
    if any(child.returncode for child in children) or len(outputs) != 1:
        raise SystemExit(f"stampede: failures or differing tokens: {outputs!r}")
    return elapsed


def main() -> None:
    delay = float(sys.argv[1]) if len(sys.argv) > 1 else SERVER_DELAY
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    _, uvcreds = installed_uvcreds()
    with tempfile.TemporaryDirectory() as tmp, CodeArtifactFake() as fake:
        root = Path(tmp)
        project = root / "project"
        project.mkdir()
        (project / "pyproject.toml").write_text(PROJECT)
        env = {**clean_env(root), **fake.aws_env(root)}
        fake.delay = delay
        singles, stampedes, floors, requests = [], [], [], []
        for round_ in range(ROUNDS):
            singles.append(cold_exports(uvcreds, env, project, root / f"single-{round_}", 1))
            cache = root / f"stampede-{round_}"
            before = fake.request_count
            stampedes.append(cold_exports(uvcreds, env, project, cache, PROCESSES))
            requests.append(fake.request_count - before)
            shutil.rmtree(cache / "plans")  # the full path again, but every token at hand
            floors.append(cold_exports(uvcreds, env, project, cache, PROCESSES))
    single, stampede = statistics.median(singles), statistics.median(stampedes)
    floor = statistics.median(floors)
    print(f"machine                  {os.cpu_count()} CPUs, load average {load:.1f} before the run")
    print(f"server delay             {delay:7.2f} s")
    print(f"one cold export          {single:7.2f} s (median of {ROUNDS})")
    print(f"{PROCESSES} cold exports at once {stampede:7.2f} s (median of {ROUNDS})")
    print(f"{PROCESSES} at once, no fetch   {floor:7.2f} s (the CPU cost of starting them)")
    print(f"requests per stampede    {max(requests):7d}   (target 1; each round: {requests})")
    print(f"ratio                    {stampede / single:7.2f}   (target <= 1.5)")
    # On a machine with few CPUs, the one process that fetches starts its request only once
    # the others have started (they share the CPUs): the rest of the time is the fetch.
    print(f"ratio less start-up cost {(stampede - floor) / single:7.2f}")


if __name__ == "__main__":
    main()
