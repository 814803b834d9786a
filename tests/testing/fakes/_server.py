"""Plumbing shared by the fake vendor endpoints: a threaded HTTP server on 127.0.0.1.

A fake supplies one function, `Request -> Reply | None`; `None` means "never answer"
(the handler waits until the server closes, then drops the connection).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, TypeVar
from urllib.parse import parse_qsl, urlsplit

_Self = TypeVar("_Self", bound="Closing")


@dataclass(frozen=True)
class Request:
    """One HTTP request as a fake saw it."""

    method: str
    path: str  # without the query string
    query: dict[str, str]  # first value of each query parameter
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def form(self) -> dict[str, str]:
        """The body parsed as application/x-www-form-urlencoded."""
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass
class Reply:
    """What a fake answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        return cls(status, json.dumps(data).encode(), all_headers)

    @classmethod
    def text(cls, text: str, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        all_headers = {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}
        return cls(status, text.encode(), all_headers)


Responder = Callable[[Request], Optional[Reply]]


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1:<free port>, serving in a daemon thread."""

    def __init__(self, respond: Responder) -> None:
        self.closing = threading.Event()  # set by close(); waits in handlers end on it
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(respond, self.closing))
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`, no trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop serving, release waiting handlers, close the socket. Idempotent."""
        if self.closing.is_set():
            return
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_class(respond: Responder, closing: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = respond(request)
            if reply is None:
                closing.wait()
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _dispatch

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class Closing:
    """`with thing:` closes it at the end; subclasses define `close`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
