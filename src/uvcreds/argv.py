"""The command lines the fast path serves, read without click (importing click alone costs
about as much as the rest of a warm answer). Anything else is None, and click parses it.

tests/test_argv.py checks every line this accepts against click's own reading of it, so the
two cannot drift apart. Standard library only.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# The names `export --format` takes (routes/env/formats.py renders each), and the shells
# (routes/env/shells registers each; tests/test_argv.py checks the two lists agree). Here,
# so that reading a command line loads no shell or format module.
SHELL_NAMES = ("bash", "zsh", "fish", "pwsh")
FORMAT_NAMES = ("sh", "fish", "pwsh", "dotenv", "json", "github", "direnv")


class Export:
    """`uvcreds export [--format F]`."""

    __slots__ = ("format",)

    def __init__(self, format: str) -> None:
        self.format = format


class Hook:
    """`uvcreds hook SHELL [--keyring | --store]`."""

    __slots__ = ("keyring", "shell", "store")

    def __init__(self, shell: str, *, keyring: bool = False, store: bool = False) -> None:
        self.shell, self.keyring, self.store = shell, keyring, store


class KeyringGet:
    """`uvcreds keyring get SERVICE USERNAME`, `... --mode creds`, and pip's form
    (`--mode=creds --output=json get SERVICE`): the keyring command line's protocol."""

    __slots__ = ("creds", "json", "service", "username")

    def __init__(self, service: str, username: str | None, *, creds: bool, json: bool) -> None:
        self.service, self.username, self.creds, self.json = service, username, creds, json


def parse(argv: Sequence[str]) -> Export | Hook | KeyringGet | None:
    """The fast path's command, or None for click to parse (and to explain an error)."""
    if argv[:1] == ["keyring"]:
        return keyring_get(argv[1:])
    if argv[:1] == ["hook"]:
        return _hook(argv[1:])
    if argv[:1] == ["export"]:
        return _export(argv[1:])
    return None


def _hook(rest: Sequence[str]) -> Hook | None:
    if len(rest) not in (1, 2) or rest[0] not in SHELL_NAMES:
        return None
    route = rest[1] if len(rest) == 2 else None
    if route not in (None, "--keyring", "--store"):
        return None
    return Hook(rest[0], keyring=route == "--keyring", store=route == "--store")


def _export(rest: Sequence[str]) -> Export | None:
    if not rest:
        return Export("sh")
    words = list(rest)
    if len(words) == 1 and words[0].startswith("--format="):
        words = ["--format", words[0].split("=", 1)[1]]
    if len(words) == 2 and words[0] == "--format" and words[1] in FORMAT_NAMES:
        return Export(words[1])
    return None


def keyring_get(argv: Sequence[str]) -> KeyringGet | None:
    """The request in keyring's own syntax (also what uvcreds' `keyring` program receives);
    None for anything else (`set`, a backend chosen with -b, ...)."""
    options: dict[str, str] = {}
    words: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, equals, value = arg.partition("=")
        if name in ("--mode", "--output") and (equals or args):
            options[name] = value if equals else args.pop(0)
        elif arg.startswith("-"):
            return None
        else:
            words.append(arg)
    mode, output = options.get("--mode", "password"), options.get("--output", "plain")
    if words[:1] != ["get"] or len(words) not in (2, 3):
        return None
    if mode not in ("password", "creds") or output not in ("plain", "json"):
        return None
    username = words[2] if len(words) == 3 else None
    if username is None and mode == "password":
        return None
    return KeyringGet(words[1], username, creds=mode == "creds", json=output == "json")
