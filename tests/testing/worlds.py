"""Builders for in-process tests: a user's environment, config and project in a folder."""

from __future__ import annotations

import json
from pathlib import Path

from uvcreds.pipeline import decide, resolve
from uvcreds.state.paths import Locations

SECRET = "s3cret/+="


class World:
    """A user's environment, their config and a project, all below one temporary folder."""

    def __init__(self, root: Path) -> None:
        self.project = root / "project"
        self.project.mkdir()
        cache = root / "cache"
        cache.mkdir(mode=0o700)
        self.config = root / "config.toml"
        self.environ = {
            "HOME": str(root),
            "UVCREDS_CACHE_DIR": str(cache),
            "UVCREDS_DATA_DIR": str(root / "data"),
            "UVCREDS_CONFIG": str(self.config),
            "XDG_CONFIG_HOME": str(root / "xdg"),
            "XDG_CONFIG_DIRS": str(root / "etc-xdg"),
            "CORP_SECRET": SECRET,
        }

    def bind(self, *urls: str) -> None:
        tables = [
            f'[[credential]]\nurl = {json.dumps(url)}\nprovider = "env"\nusername = "me"\n'
            'password-env = "CORP_SECRET"\n'
            for url in urls
        ]
        self.config.write_text("\n".join(tables))
        self.config.chmod(0o600)

    def indexes(self, *entries: tuple[str, str], extra: str = "") -> None:
        text = '[project]\nname = "p"\nversion = "0"\n'
        for name, url in entries:
            text += f"\n[[tool.uv.index]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n"
        (self.project / "pyproject.toml").write_text(text + extra)

    def collect(self, **options: object) -> decide.Result:
        said: list[str] = []
        return resolve.collect(
            self.project,
            self.environ,
            Locations(self.environ),
            warn=said.append,
            **options,  # type: ignore[arg-type]
        )
