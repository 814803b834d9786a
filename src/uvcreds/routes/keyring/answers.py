"""Secret-free mode: answer a keyring lookup for the URL uv (or pip, twine) is about to call.

uv runs `keyring get SERVICE USERNAME` (or `--mode creds` without a username) with the
index URL as the service, then `host[:port]`, then `scheme://host[:port]`; the keyring
library's backends get the same pair. The answer is made per URL, at request time: the
index that URL names (in the project here, else the URL alone, bound by the user's config
or on an anchored vendor host) is resolved, and its credential is given only when its scope
covers that URL and the username is the one it goes with. There is no variable shared with
another index, so no window either: `cp other.toml pyproject.toml && uv lock` asks again.

`lookup_fast` answers from the plan and the cache with the standard library alone (the
keyring program runs it for every uv request); `lookup` is the full path.
"""

from __future__ import annotations

import os
import time

from uvcreds import urls
from uvcreds.argv import KeyringGet, keyring_get
from uvcreds.errors import UvcredsError, say
from uvcreds.state import cache, plan
from uvcreds.state.paths import Locations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def service_url(service: str) -> urls.Url | None:
    """The URL a keyring service names: a URL as it is, `host[:port]` as https."""
    text = service if "://" in service else f"https://{service}/"
    try:
        return urls.parse(text)
    except urls.UrlError:
        return None


def lookup_fast(
    service: str, username: str | None, environ: Mapping[str, str]
) -> tuple[str, str] | None:
    """(username, password) from the saved plan for this directory and the cache, or None
    when the full path must decide (no plan, no fresh token, the URL not in the plan)."""
    url = service_url(service)
    if url is None:
        return None
    locations = Locations(environ)
    document = _plan(environ, locations)
    if document is None:
        return None
    for variable in document["variables"]:
        if not any(_names(urls.parse(u), url) for u in variable["urls"]):
            continue
        found = _planned(variable, environ, locations)
        if found is None or (username is not None and found[0] != username):
            return None
        return found
    return None


def _plan(environ: Mapping[str, str], locations: Locations) -> plan.Plan | None:
    """This directory's secret-free plan, else its environment one (every URL in that one
    is covered: a blocked variable leaves no plan)."""
    cwd = os.getcwd()
    found = plan.load(cwd, None, environ, locations, per_url=True)
    return found if found is not None else plan.load(cwd, None, environ, locations)


def _names(index: urls.Url | None, url: urls.Url) -> bool:
    """Whether a service URL is this index's: the index URL itself, or below its root (a
    file uv downloads from the index)."""
    return index is not None and (index == url or index.root().covers(url))


def _planned(
    variable: plan.Variable, environ: Mapping[str, str], locations: Locations
) -> tuple[str, str] | None:
    tokens = plan.tokens_for([variable], locations)
    found = plan.credential(variable, tokens, environ, time.time()) if tokens is not None else None
    return None if found is None else (found[0], found[1])


def lookup(
    service: str, username: str | None, environ: Mapping[str, str]
) -> tuple[str, str] | None:
    """The full path: resolve the index this URL names and get its credential."""
    from pathlib import Path

    from uvcreds.pipeline import resolve

    url = service_url(service)
    if url is None:
        return None
    locations = Locations(environ)
    try:
        if _plan(environ, locations) is None:
            # No plan for this directory yet (the keyring recipe runs no hook): make the
            # secret-free one, so the next question, in this uv run or the next, is fast.
            resolve.collect(Path.cwd(), environ, locations, per_url=True, warn=lambda _: None)
            found = lookup_fast(service, username, environ)
            if found is not None:
                return found
        found = resolve.credential_for(url, Path.cwd(), environ, locations, warn=say)
    except UvcredsError as exc:
        say(str(exc))
        return None
    if found is None or (username is not None and found[0] != username):
        return None
    return found


def keyring_main(request: KeyringGet, environ: Mapping[str, str]) -> int:
    """Answer as the keyring command line does: the password (or username and password) on
    stdout, exit 0; exit 1 and nothing printed when there is no answer."""
    found = lookup_fast(request.service, request.username, environ)
    if found is None:
        found = lookup(request.service, request.username, environ)
    return _print(request, found)


def _print(request: KeyringGet, found: tuple[str, str] | None) -> int:
    if found is None:
        return 1
    import sys

    if request.json:
        from uvcreds.state import fastjson

        answer = (
            {"username": found[0], "password": found[1]}
            if request.creds
            else {"password": found[1]}
        )
        text = fastjson.dumps(answer) + "\n"
    else:
        text = f"{found[0]}\n{found[1]}\n" if request.creds else f"{found[1]}\n"
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    return 0


# uv starts the keyring once per index and realm: an interpreter of its own, no shell first
# (when the interpreter's path can stand in a `#!` line), and no `site` until the fast path
# cannot answer (site-packages, .pth files: a quarter of the start-up).
PROGRAM = """#!{python} -IS
# uvcreds' keyring for uv in secret-free mode: it answers for the indexes uvcreds manages,
# and hands anything else to the next `keyring` on PATH. Written by uvcreds.
import sys
sys.path.insert(0, {root!r})
from uvcreds.routes.keyring.answers import program
sys.exit(program(sys.argv[0], sys.argv[1:]))
"""
SHELL_PROGRAM = """#!/bin/sh
# uvcreds' keyring for uv in secret-free mode (see `uvcreds init --keyring`).
exec {python} -I -S -c {code} "$0" "$@"
"""
SHELL_CODE = (
    "import sys; sys.path.insert(0, {root!r}); from uvcreds.routes.keyring.answers import program; "
    "sys.exit(program(sys.argv[1], sys.argv[2:]))"
)


def install_program(locations: Locations) -> str:
    """Write the `keyring` program into the cache's private `bin` (0700, ours), once per
    interpreter; returns that directory. A `.uvcreds` marker names it as ours on PATH."""
    import shlex
    import sys

    from uvcreds.state import secure

    directory, path = locations.keyring_dir, locations.keyring_program
    python = sys.executable
    plain = len(python) < 120 and shlex.quote(python) == python  # a `#!` line cannot quote
    import uvcreds

    root = os.path.dirname(os.path.dirname(os.path.abspath(uvcreds.__file__)))  # holds uvcreds/
    if plain:
        text = PROGRAM.format(python=python, root=root).encode()
    else:
        code = shlex.quote(SHELL_CODE.format(root=root))
        text = SHELL_PROGRAM.format(python=shlex.quote(python), code=code).encode()
    secure.make_directory(locations.cache_dir, cache.WHAT)
    secure.make_directory(directory, "keyring directory")
    try:
        current = secure.read_private(path, "keyring program")
    except UvcredsError:
        current = None
    if current != text:
        secure.write_atomically(path, text, durable=False)
        os.chmod(path, 0o700)
    marker = os.path.join(directory, ".uvcreds")
    if not secure.is_own_file(marker):
        secure.create_empty(marker)
    return directory


def program(own: str, args: Sequence[str]) -> int:
    """The `keyring` program of secret-free mode (`own` is its path): uvcreds' answer, else
    the next `keyring` on PATH (the user's own keyring, the OS store), else nothing."""
    environ = os.environ
    request = keyring_get(args)
    if request is not None:
        found = lookup_fast(request.service, request.username, environ)
        if found is None:
            import site

            site.main()  # the full path needs site-packages: filelock, the SDKs, tomli
            found = lookup(request.service, request.username, environ)
        if _print(request, found) == 0:
            return 0
    here = os.path.dirname(os.path.abspath(own))
    for directory in environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "keyring")
        if directory and os.path.abspath(directory) != here and os.access(candidate, os.X_OK):
            os.execv(candidate, [candidate, *args])
    return 1
