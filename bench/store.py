"""What the store route (`--store`, issue 17) costs a uv run, warm caches, against static
variables.

`uv lock --refresh` in a project with one and with three indexes, each a local
password-protected index of its own (a realm each), by three routes taking turns:
- static `UV_INDEX_*` variables (what `uvcreds export` prints);
- the store route: nothing in the environment, uv's own credential store (a temporary
  `UV_CREDENTIALS_DIR`) holding the entries `uvcreds exec --store` wrote;
- the same store with each index's username exported (`UV_INDEX_<NAME>_USERNAME` only),
  to see whether uv then looks the password up before its first request (it does not:
  uv's middleware tries a URL it has only a username for without a password first);
- the same store with `authenticate = "always"` on each index in the project, which makes
  uv look in its store before the first request (a setting of the project's, not uvcreds').
uv reads its store only after a request without credentials is refused (unless the index
says `authenticate = "always"`), so each route's requests at the indexes are counted (and
how many were refused), and everything runs again with 20 ms added to every answer, where
a round trip more shows. The indexes are bound to CodeArtifact (a local fake) in the
user's config, so the password is a token minted once and kept in uvcreds' cache.
Target: store / static <= 1.05.

Run from the repository root: `.venv/bin/python bench/store.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import uv

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # for the tests' fakes
from common import installed_uvcreds, uv_env
from secret_free import (
    DOMAIN,
    OWNER,
    REGION,
    TOKEN,
    StaticIndex,
    exported,
    run_once,
    write_pyproject,
)
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import build_wheel

ROUNDS, RUNS = 10, 3  # turns of each route, runs per turn
LATENCY = 0.020
Route = tuple[Mapping[str, str], Path]  # the environment and directory uv runs in


def main() -> None:
    _, uvcreds = installed_uvcreds()
    uv_bin = uv.find_uv_bin()
    with tempfile.TemporaryDirectory() as tmp, CodeArtifactFake(TOKEN) as codeartifact:
        root = Path(tmp)
        wheels = {n: build_wheel(root / "wheels", n, "1.0") for n in ("pkg-a", "pkg-b", "pkg-c")}
        env = uv_env(root, codeartifact.aws_env(root))
        env.update(
            UV_CREDENTIALS_DIR=str(root / "uv-credentials"),
            PATH=os.path.dirname(uv_bin) + os.pathsep + os.environ.get("PATH", ""),
        )
        servers = [StaticIndex({n: w}) for n, w in wheels.items()]
        try:
            for delay in (0.0, LATENCY):
                for server in servers:
                    server.delay = delay
                added = f", {delay * 1000:.0f} ms added per request" if delay else ""
                print(f"uv lock --refresh: the store route against static UV_INDEX_*{added}")
                print("   (warm caches; one local index per realm; medians of runs taken in turns)")
                for count in (1, 3):
                    store_against_static(count, servers[:count], root, env, uv_bin, uvcreds)
                print()
        finally:
            for server in servers:
                server.close()


def store_against_static(
    count: int,
    servers: Sequence[StaticIndex],
    root: Path,
    base: Mapping[str, str],
    uv_bin: str,
    uvcreds: str,
) -> None:
    names = [chr(ord("a") + i) for i in range(count)]
    indexes = [(f"idx-{n}", s.url + "simple/") for n, s in zip(names, servers)]
    static_dir, store_dir = root / f"static-{count}", root / f"store-{count}"
    always_dir = root / f"store-always-{count}"
    for project in (static_dir, store_dir, always_dir):
        write_pyproject(project, indexes)
    pyproject = always_dir / "pyproject.toml"
    text = pyproject.read_text()
    for _, url in indexes:
        text = text.replace(f'url = "{url}"', f'url = "{url}"\nauthenticate = "always"')
    pyproject.write_text(text)
    config = "".join(
        f'[[credential]]\nurl = "{s.url}"\nprovider = "aws"\ndomain = "{DOMAIN}"\n'
        f'domain-owner = "{OWNER}"\nregion = "{REGION}"\n\n'
        for s in servers
    )
    Path(base["UVCREDS_CONFIG"]).write_text(config)
    values = exported(uvcreds, ["export", "--format", "json"], base, static_dir)
    static = {**base, **values}
    store = exported(uvcreds, ["exec", "--store", "--"], base, store_dir, dump=True)
    assert not [n for n in store if n.endswith("_PASSWORD")], "a password in the store route"
    usernames = {n: v for n, v in values.items() if n.endswith("_USERNAME")}
    routes: dict[str, Route] = {
        "static UV_INDEX_*": (static, static_dir),
        "store": (store, store_dir),
        "store, usernames set": ({**store, **usernames}, store_dir),
        'store, "always"': (store, always_dir),
    }
    requests = {
        name: count_requests(uv_bin, servers, env, cwd) for name, (env, cwd) in routes.items()
    }
    times = alternate(uv_bin, routes)
    static_time = times["static UV_INDEX_*"]
    print(f"   {count} index{'es' if count > 1 else ''}:")
    for name, value in times.items():
        ratio = "" if value is static_time else f"   ratio {value / static_time:5.2f}"
        total, refused = requests[name]
        print(
            f"     {name:22} {value * 1000:6.1f} ms{ratio:14}   {total} requests, {refused} refused"
        )
    print("     target: store / static <= 1.05")


def count_requests(
    uv_bin: str, servers: Sequence[StaticIndex], env: Mapping[str, str], cwd: Path
) -> tuple[int, int]:
    """Requests at the indexes during one `uv lock --refresh`, and how many got a 401."""
    before = [len(s.statuses) for s in servers]
    run_once([uv_bin, "lock", "--refresh"], env, cwd)
    statuses = [status for s, b in zip(servers, before) for status in s.statuses[b:]]
    assert 200 in statuses, "no index was reached with the token"
    return len(statuses), statuses.count(401)


def alternate(uv_bin: str, routes: Mapping[str, Route]) -> dict[str, float]:
    """Median wall time of `uv lock --refresh` by each route, the routes taking turns."""
    argv = [uv_bin, "lock", "--refresh"]
    samples: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(ROUNDS):
        for name, (env, cwd) in routes.items():
            samples[name] += [run_once(argv, env, cwd) for _ in range(RUNS)]
    return {name: statistics.median(values) for name, values in samples.items()}


if __name__ == "__main__":
    main()
