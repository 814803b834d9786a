"""uvcreds as a backend of the `keyring` library: the guide's keyring recipe, with uvcreds in
place of each vendor's plugin (`uv tool install keyring --with uvcreds`), and the keyring
that pip (`--keyring-provider import|subprocess`), twine and Poetry ask.

keyring loads this module through the `keyring.backends` entry point; uvcreds itself never
imports keyring. The answer is the one `uvcreds keyring get` gives (routes/keyring/answers.py):
for the URL about to be called, the credential of the index it names, only where that
credential's scope covers the URL and the username is the one it goes with; from the same
cache as the shell route. For anything else the backend answers None, so keyring's chain
(ChainerBackend) asks the next backend, the OS keyring. It stores nothing: setting or
deleting a password raises an error that is also NotImplementedError, which is what the
chain takes as "ask the next backend".

No secret is printed: messages go to stderr as `uvcreds: ...` (answers.lookup says why a
URL it manages got nothing).
"""

from __future__ import annotations

import os

from keyring import credentials, errors
from keyring.backend import KeyringBackend

from uvcreds.errors import UvcredsError, printable, say
from uvcreds.routes.keyring import answers


class _NotStored(errors.PasswordSetError, NotImplementedError):
    """uvcreds keeps no passwords: the chain goes on to the next backend."""


class _NotDeleted(errors.PasswordDeleteError, NotImplementedError):
    """uvcreds keeps no passwords: the chain goes on to the next backend."""


class UvcredsKeyring(KeyringBackend):
    """Short-lived credentials for the indexes uvcreds manages; None for every other service."""

    # Above the OS keyrings (SecretService 5, macOS and Windows 5), below keyring's chainer
    # (10 once there is more than one backend), so the chain asks uvcreds first.
    priority = 9.9

    def get_password(self, service: str, username: str) -> str | None:
        found = _answer(service, username)
        return None if found is None else found[1]

    def get_credential(
        self, service: str, username: str | None
    ) -> credentials.SimpleCredential | None:
        found = _answer(service, username)
        return None if found is None else credentials.SimpleCredential(*found)

    def set_password(self, service: str, username: str, password: str) -> None:
        raise _NotStored("uvcreds keeps no passwords; it gets a token when one is asked for")

    def delete_password(self, service: str, username: str) -> None:
        raise _NotDeleted("uvcreds keeps no passwords; `uvcreds logout` forgets its tokens")


def _answer(service: str, username: str | None) -> tuple[str, str] | None:
    """(username, password) for this service, or None: the cached answer first, else the
    full path. Anything going wrong is one stderr line and no answer, never a traceback in
    the program that asked."""
    environ = os.environ
    try:
        return answers.lookup_fast(service, username, environ) or answers.lookup(
            service, username, environ
        )
    except UvcredsError as exc:  # a file or a cache it cannot read: said as everywhere else
        say(str(exc))
        return None
    except Exception as exc:  # a bug, a broken file system: the chain goes on
        # The exception's type only: its text is not known to be free of a secret.
        where = _shown(service)
        say(f"no answer for {where} ({type(exc).__name__}); run `uvcreds doctor` in the project")
        return None


def _shown(service: str) -> str:
    """The service as a message may name it: its URL without userinfo, or nothing."""
    try:
        url = answers.service_url(service)
    except Exception:
        url = None
    return printable(str(url)) if url is not None else "this service"
