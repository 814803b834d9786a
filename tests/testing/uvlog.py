"""Where real uv sends `UV_INDEX_<V>_PASSWORD`, read from uv's own trace log.

uv stores every credential it reads in its credential cache and logs each store as
``TRACE Caching credentials for `URL` `` (crates/uv-auth/src/cache.rs). For the indexes
of its settings list it first logs ``TRACE Read credentials for index `NAME` ``
(crates/uv-client/src/registry_client.rs `cache_index_credentials`), then stores the
index "root" (the URL minus a trailing `/simple/` segment) and the index URL itself.
Project commands also store the workspace root's and every member's (or a script's)
`[[tool.uv.index]]` credentials directly (crates/uv/src/commands/project/lock.rs), and
those lines carry no name.

So: set a probe password for every index name of a layout, run uv offline with `-vv`,
and the Caching lines are exactly the URLs that variable reaches. Nothing here looks at
uvcreds; this is the oracle side of tests/e2e/test_uv_differential.py.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.testing.helpers import run, uv_bin

PROBE_PASSWORD = "probe-secret"  # never a real secret; uv only ever logs URLs, not values

_CACHING = re.compile(r"^TRACE Caching credentials for `(?P<url>[^`]+)`$")
_READ = re.compile(r"^TRACE Read credentials for index `(?P<name>[^`]+)`$")
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")


def env_stem(name: str) -> str:
    """uv's `IndexName::to_env_var`: ASCII alphanumerics uppercased, everything else `_`."""
    return "".join(c.upper() if c.isascii() and c.isalnum() else "_" for c in name)


def password_var(name: str) -> str:
    """The variable uv reads the password of index `name` from."""
    return f"UV_INDEX_{env_stem(name)}_PASSWORD"


def strip_userinfo(url: str) -> str:
    """`http://****@host/x` -> `http://host/x` (uv masks userinfo in its log; we drop it)."""
    return _USERINFO.sub(r"\g<scheme>", url)


def index_root(url: str) -> str | None:
    """uv's `IndexUrl::root`: the URL minus a trailing `simple` or `+simple` segment."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if segments and segments[-1] == "":
        segments.pop()
    if len(segments) < 2 or segments[-1].lower() not in ("simple", "+simple"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments[:-1]) or "/", "", ""))


def drop_roots(urls: Iterable[str]) -> frozenset[str]:
    """Keep index URLs only: a URL that is the root of another URL in the set goes."""
    found = set(urls)
    roots = {root for url in found if (root := index_root(url)) is not None}
    return frozenset(found - roots)


@dataclass(frozen=True)
class CredentialLog:
    """What one uv run logged about credentials.

    `urls`: every index URL a credential was stored for (roots dropped, userinfo
    stripped). `settings`: (name, url) for each `Read credentials for index` block,
    i.e. uv's settings list. `ran`: uv got as far as storing any credential at all.
    """

    urls: frozenset[str]
    settings: frozenset[tuple[str, str]]
    warnings: tuple[str, ...]
    ran: bool

    @property
    def project_only(self) -> frozenset[str]:
        """URLs stored without being in the settings list (project, member, script)."""
        return self.urls - {url for _, url in self.settings}


def parse_log(stderr: str) -> CredentialLog:
    """Read uv's `-vv` stderr; see the module docstring for the lines it relies on."""
    lines = stderr.splitlines()
    stored: list[str] = []
    settings: set[tuple[str, str]] = set()
    for position, line in enumerate(lines):
        if caching := _CACHING.match(line):
            stored.append(strip_userinfo(caching["url"]))
        elif read := _READ.match(line):
            settings.add((read["name"], _block_url(lines, position + 1)))
    warnings = tuple(line for line in lines if line.startswith("warning:"))
    return CredentialLog(drop_roots(stored), frozenset(settings), warnings, bool(stored))


def _block_url(lines: Sequence[str], start: int) -> str:
    """The index URL stored right after a `Read credentials` line: root first, if any."""
    following: list[str] = []
    for line in lines[start : start + 2]:
        if not (caching := _CACHING.match(line)):
            break
        following.append(caching["url"])
    if not following:
        raise AssertionError(f"uv logged `Read credentials` without a store: {lines[start:]}")
    first = strip_userinfo(following[0])
    if len(following) == 2 and index_root(strip_userinfo(following[1])) == first:
        return strip_userinfo(following[1])
    return first


def run_uv(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    probe_names: Iterable[str] = (),
    *,
    tree: Path,
) -> tuple[CredentialLog, subprocess.CompletedProcess[str]]:
    """Run `uv --offline --no-cache -vv ARGS` in `cwd` with a probe password per name.

    Offline uv cannot resolve, so it exits non-zero; it has stored its credentials by then
    (check `CredentialLog.ran`). Lock files under `tree` are removed first, so a lock left
    by an earlier run can never let uv skip resolution.
    """
    for lock in [*tree.rglob("uv.lock"), *tree.rglob("*.py.lock")]:
        lock.unlink()
    full_env = dict(env)
    for name in probe_names:
        full_env[password_var(name)] = PROBE_PASSWORD
    cmd = [uv_bin(), "--offline", "--no-cache", "-vv", *args]
    proc = run(cmd, full_env, cwd=cwd, timeout=120)
    return parse_log(proc.stderr), proc


def merge(logs: Iterable[CredentialLog]) -> CredentialLog:
    """One log for several uv commands run in the same place: everything any of them read.

    A variable exported for a directory reaches whichever command the user runs there, so
    its destinations are the union.
    """
    items = list(logs)
    return CredentialLog(
        frozenset().union(*(log.urls for log in items)),
        frozenset().union(*(log.settings for log in items)),
        tuple(w for log in items for w in log.warnings),
        any(log.ran for log in items),
    )
