"""A password-protected package index (in-process pypiserver) and an offline wheel builder.

pypiserver answers 401 when a request has no Authorization header and 403 when the
credentials are wrong; uv reports the two differently.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import sys
import threading
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tests.testing.fakes._server import Closing

with warnings.catch_warnings():  # its vendored bottle: `cgi` deprecation, ImportWarning
    warnings.simplefilter("ignore")
    import pypiserver
    from pypiserver.bottle_wrapper import bottle as _bottle

# That bottle also puts a finder for `bottle.ext.*` on sys.meta_path, which then sees every
# failed import in the test process (and warns); pypiserver never uses bottle.ext.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_ImportRedirect"]


def _file_iter_range_closing(fp: Any, offset: int, size: int, maxread: int = 1 << 20) -> Any:
    """bottle's range reader, closing the file when done (the original leaks it)."""
    try:
        yield from _bottle_file_iter_range(fp, offset, size, maxread)
    finally:
        fp.close()


_bottle_file_iter_range = _bottle._file_iter_range
_bottle._file_iter_range = _file_iter_range_closing

DEFAULT_USERNAME = "aws"
DEFAULT_PASSWORD = "idx-tok.A1/b2+c3="  # has characters that need quoting and URL-encoding

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class IndexRequest:
    """One request the index received."""

    method: str
    path: str
    query: str
    username: str | None  # from Basic auth; None without an Authorization header
    password: str | None
    status: int  # the status pypiserver answered with


class FakeIndex(Closing):
    """pypiserver on 127.0.0.1:<free port> over `packages_dir`, serving until `close()`.

    `creds` (username -> password) is read at every request: change it at any time.
    Listing, downloads and uploads all need valid credentials.
    """

    def __init__(
        self, packages_dir: Path, creds: dict[str, str] | None = None, *, overwrite: bool = False
    ) -> None:
        self.packages_dir = packages_dir.resolve()
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        self.creds: dict[str, str] = dict(creds or {})
        self.requests: list[IndexRequest] = []
        self._lock = threading.Lock()
        app = pypiserver.app(
            roots=[self.packages_dir],
            authenticate=["download", "list", "update"],
            auther=self._check,
            disable_fallback=True,
            overwrite=overwrite,
        )
        self._app: WSGIApp = app
        self._httpd = make_server(
            "127.0.0.1", 0, self._record, server_class=_ThreadingWSGIServer, handler_class=_Quiet
        )
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._closed = False

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT/`: the upload (publish) URL."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def upload_url(self) -> str:
        return self.url

    @property
    def simple_url(self) -> str:
        """`http://127.0.0.1:PORT/simple/`: the index URL."""
        return f"{self.url}simple/"

    def add_wheel(self, name: str, version: str, *, requires: Sequence[str] = ()) -> Path:
        """Build a wheel straight into the served directory."""
        return build_wheel(self.packages_dir, name, version, requires=requires)

    def statuses(self) -> list[int]:
        with self._lock:
            return [r.status for r in self.requests]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _check(self, username: str, password: str) -> bool:
        return username in self.creds and self.creds[username] == password

    def _record(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        statuses: list[int] = []

        def recording_start_response(status: str, *args: Any) -> Any:
            statuses.append(int(status.split()[0]))
            return start_response(status, *args)

        result = self._app(environ, recording_start_response)
        try:
            body = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        username, password = _basic_auth(environ.get("HTTP_AUTHORIZATION", ""))
        record = IndexRequest(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            query=environ.get("QUERY_STRING", ""),
            username=username,
            password=password,
            status=statuses[-1] if statuses else 0,
        )
        with self._lock:
            self.requests.append(record)
        return body


class PathIndex(FakeIndex):
    """A FakeIndex that serves the same packages below any first path segment (`/team/simple/`,
    `/other/simple/`), recording each request's full path: one host, many index paths."""

    def __init__(self, packages_dir: Path, creds: dict[str, str]) -> None:
        super().__init__(packages_dir, creds)
        inner = self._app

        def below_first_segment(
            environ: dict[str, Any], start_response: Callable[..., Any]
        ) -> Iterable[bytes]:
            head, slash, rest = environ.get("PATH_INFO", "").lstrip("/").partition("/")
            if not slash:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"no index here\n"]
            moved = {**environ, "SCRIPT_NAME": f"/{head}", "PATH_INFO": f"/{rest}"}
            return inner(moved, start_response)

        self._app = below_first_segment


def build_wheel(directory: Path, name: str, version: str, *, requires: Sequence[str] = ()) -> Path:
    """Write `<name>-<version>-py3-none-any.whl` (pure Python, one module) into `directory`.

    Only zipfile and hashlib: METADATA, WHEEL and a RECORD with sha256 digests.
    The module `<name>` (with - and . as _) has `__version__ = "<version>"`.
    """
    dist = re.sub(r"[-_.]+", "_", name).lower()
    dist_info = f"{dist}-{version}.dist-info"
    metadata = "".join(
        [
            "Metadata-Version: 2.1\n",
            f"Name: {name}\n",
            f"Version: {version}\n",
            "Summary: test package\n",
            *(f"Requires-Dist: {r}\n" for r in requires),
        ]
    )
    files = {
        f"{dist}/__init__.py": f'__version__ = "{version}"\n',
        f"{dist_info}/METADATA": metadata,
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: uvcreds-tests\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [
        f"{path},{_record_hash(text.encode())},{len(text.encode())}" for path, text in files.items()
    ]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def _basic_auth(header: str) -> tuple[str | None, str | None]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, _, password = decoded.partition(":")
    return username, password
