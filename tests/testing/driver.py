"""One driver for provider and cache tests: the real `uvcreds` console script in a temp project.

`Project` writes a pyproject with one named index, the user's `[[credential]]` entries and
project settings; runs `uvcreds` as a subprocess with exactly the isolated environment it
holds (plus any overlay); reads and edits the token cache; and runs real uv after
`eval "$(uvcreds export)"` in bash.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.testing.helpers import credential_table, run, uv_bin, uvcreds_cmd, write_project

INDEX = "private"
USERNAME_VAR = "UV_INDEX_PRIVATE_USERNAME"
PASSWORD_VAR = "UV_INDEX_PRIVATE_PASSWORD"
# Said (once a fetch takes over a second) while a caller waits: timing, not an outcome.
WAITING = "uvcreds: waiting for "


@dataclass
class Ran:
    """One `uvcreds` run: exit status, stdout, stderr lines and how long it took."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def messages(self) -> list[str]:
        """stderr lines, less the ones that only say a fetch is slow."""
        return [line for line in self.stderr.splitlines() if not line.startswith(WAITING)]

    def values(self) -> dict[str, str]:
        """stdout of `export --format json`."""
        parsed = json.loads(self.stdout or "{}")
        assert isinstance(parsed, dict)
        return {str(k): str(v) for k, v in parsed.items()}

    def credential(self) -> tuple[str, str]:
        values = self.values()
        return values[USERNAME_VAR], values[PASSWORD_VAR]


def assert_fails_with(ran: Ran, message: str) -> None:
    """Exit 1, exactly one problem line on stderr, and no traceback."""
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.messages == [f"uvcreds: {message}"], ran.stderr
    assert ran.returncode == 1, ran.stderr


@dataclass
class Project:
    """A project directory with one index named `private`, and the environment to run in."""

    directory: Path
    env: dict[str, str]
    url: str
    credentials: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        tmp_path: Path,
        env: Mapping[str, str],
        url: str,
        *,
        settings: str = "",
        directory_name: str = "project",
    ) -> Project:
        """`settings`: TOML lines for `[tool.uvcreds.index.private]`, if any."""
        directory = tmp_path / directory_name
        extra = f"[tool.uvcreds.index.{INDEX}]\n{settings}\n" if settings else ""
        write_project(directory, [(INDEX, url)], extra)
        return cls(directory, dict(env), url)

    def bind(self, **settings: object) -> None:
        """Add a `[[credential]]` for this project's index URL to the user's config."""
        self.credentials.append({"url": self.url, **settings})
        config = Path(self.env["UVCREDS_CONFIG"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            "\n".join(
                credential_table(str(e["url"]), {k: v for k, v in e.items() if k != "url"})
                for e in self.credentials
            )
        )

    def uvcreds(self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> Ran:
        started = time.monotonic()
        done = run(
            [*uvcreds_cmd(), *args], {**self.env, **(env or {})}, self.directory, None, timeout
        )
        return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)

    def export(self, env: Mapping[str, str] | None = None) -> Ran:
        return self.uvcreds("export", "--format", "json", env=env)

    def start_export(self) -> subprocess.Popen[str]:
        """`uvcreds export --format json` running in the background."""
        return subprocess.Popen(
            [*uvcreds_cmd(), "export", "--format", "json"],
            env=self.env,
            cwd=self.directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @property
    def cache_dir(self) -> Path:
        return Path(self.env["UVCREDS_CACHE_DIR"])

    @property
    def tokens_file(self) -> Path:
        return self.cache_dir / "tokens.json"

    def cached(self) -> list[dict[str, Any]]:
        """The token cache's entries (empty when there is no cache)."""
        if not self.tokens_file.exists():
            return []
        return list(json.loads(self.tokens_file.read_text())["tokens"].values())

    def age_cache(self, **fields: float) -> None:
        """Set fields (due_at, expires_at...) of every cached entry, as a writer would."""
        document = json.loads(self.tokens_file.read_text())
        for entry in document["tokens"].values():
            entry.update(fields)
        temporary = self.tokens_file.with_suffix(".edit")
        temporary.write_text(json.dumps(document))
        temporary.replace(self.tokens_file)

    def install_with_uv(self, target: Path) -> subprocess.CompletedProcess[str]:
        """bash: `eval "$(uvcreds export)"`, then real `uv pip install tinypkg` from the index."""
        exe = shlex.join(uvcreds_cmd())
        pip = [uv_bin(), "pip", "install", "--no-cache", "--python", sys.executable]
        install = shlex.join([*pip, "--target", str(target), "tinypkg"])
        script = f'eval "$({exe} export)" || exit 97; {install}'
        return run(["bash", "-c", script], self.env, cwd=self.directory)


def wait_until(condition: Any, seconds: float = 10.0) -> bool:
    """Poll `condition()` until true or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())
