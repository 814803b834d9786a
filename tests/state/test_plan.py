"""Plans and shell stamps from projects and shells long gone are pruned, rarely."""

from __future__ import annotations

import os
import time
from pathlib import Path

from uvcreds.state.paths import Locations
from uvcreds.state.plan import prune


def aged(path: Path, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_prune_drops_only_old_files_and_only_once_a_day(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    locations = Locations({"UVCREDS_CACHE_DIR": str(tmp_path)})
    old_plan = aged(tmp_path / "plans" / "old.json", 40)
    new_plan = aged(tmp_path / "plans" / "new.json", 1)
    old_stamp = aged(tmp_path / "stamps" / "1-2", 31)
    prune(locations)
    assert not old_plan.exists() and not old_stamp.exists() and new_plan.exists()

    again = aged(tmp_path / "plans" / "again.json", 40)
    prune(locations)  # within a day of the last prune: nothing is done
    assert again.exists()
    aged(tmp_path / "pruned", 2)
    prune(locations)
    assert not again.exists()
