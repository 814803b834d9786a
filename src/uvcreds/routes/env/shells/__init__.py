"""The shells, one module each (see base.Shell); a new shell is one file and one line."""

from __future__ import annotations

import os

from uvcreds.routes.env.shells import bash, fish, pwsh, zsh

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvcreds.routes.env.shells.base import Shell

SHELLS: dict[str, Shell] = {
    "bash": bash,
    "zsh": zsh,
    "fish": fish,
    "pwsh": pwsh,
}

PLACEHOLDER = "@UVCREDS_EXE@"


def snippet(name: str) -> str:
    """A file from shell/: packaged beside the modules, or in a source checkout."""
    import uvcreds

    package = os.path.dirname(os.path.abspath(uvcreds.__file__))
    for directory in (
        os.path.join(package, "shell"),
        os.path.join(package, "..", "..", "shell"),
    ):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as stream:
                return stream.read()
    raise FileNotFoundError(f"shell snippet {name} is missing from this installation")
