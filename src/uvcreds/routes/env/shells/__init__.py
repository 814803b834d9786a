"""The shells, one module each (see base.Shell); a new shell is one file and one line."""

from __future__ import annotations

import os

from uvcreds.argv import SHELL_NAMES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from uvcreds.routes.env.shells import bash, fish, pwsh, zsh
    from uvcreds.routes.env.shells.base import Shell

    # mypy checks each module against the protocol here.
    _CHECKED: dict[str, Shell] = {"bash": bash, "zsh": zsh, "fish": fish, "pwsh": pwsh}


class _Registry:
    """name -> shell module, each imported when first asked for: a prompt needs one shell,
    and every module the fast path imports costs it about 0.1 ms."""

    def __getitem__(self, name: str) -> Shell:
        if name not in SHELL_NAMES:
            raise KeyError(name)
        module: Shell = __import__(f"uvcreds.routes.env.shells.{name}", fromlist=["render"])
        return module

    def __iter__(self) -> Iterator[str]:
        return iter(SHELL_NAMES)

    def __len__(self) -> int:
        return len(SHELL_NAMES)

    def values(self) -> list[Shell]:
        return [self[name] for name in SHELL_NAMES]


SHELLS = _Registry()

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
