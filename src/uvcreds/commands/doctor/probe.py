"""The live probe: a GET of the index URL as uv asks for it (the Simple API), without the
credential and with it, bounded by UVCREDS_TIMEOUT; a redirect is reported, never followed."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from uvcreds import __version__, urls

Warn = Callable[[str], None]

# What uv asks an index for (crates/uv-client: the Simple API, JSON first).


# What uv asks an index for (crates/uv-client: the Simple API, JSON first).
ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)

REDIRECTS = frozenset({301, 302, 303, 307, 308})

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Answer:
    """What the index answered to one GET: a status, or why there was none."""

    status: int | None = None
    location: str | None = None  # a redirect not followed, without userinfo or query
    other_host: bool = False  # that redirect leads to another origin
    error: str | None = None

    @property
    def good(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.location is None

    def text(self) -> str:
        if self.status is None:
            return f"no answer, {self.error}"
        if self.location is not None:
            return f"{self.status} to {self.location}"
        return str(self.status)

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "location": self.location, "error": self.error}


def basic(username: str, password: str) -> str:
    pair = f"{username}:{password}".encode("utf-8", "surrogateescape")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def job(target: urls.Url, authorization: str | None, seconds: float) -> Callable[[], Answer]:
    return lambda: probe(target, authorization, seconds)


def run_all(jobs: list[Callable[[], Answer]], seconds: float) -> list[Answer]:
    """Run every probe at once in daemon threads; one that has not answered by the deadline
    counts as no answer (its thread is left to the socket timeout)."""
    answers: list[Answer | None] = [None] * len(jobs)

    def run(position: int) -> None:
        answers[position] = jobs[position]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(jobs))]
    deadline = time.monotonic() + seconds + 0.5
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0.0))
    late = Answer(error=_timed_out(seconds))
    return [answer or late for answer in answers]


def probe(target: urls.Url, authorization: str | None, seconds: float) -> Answer:
    """GET the index URL (with `authorization`, or none). A redirect is followed only while
    it stays within the index URL; any other is reported, not followed."""
    from urllib.parse import urljoin

    url = target
    for _ in range(MAX_REDIRECTS + 1):
        status, location, error = _get(str(url), authorization, seconds)
        if error is not None:
            return Answer(error=error)
        if status not in REDIRECTS or location is None:
            return Answer(status)
        try:
            following = urls.parse(urljoin(str(url), location))
        except urls.UrlError:
            following = None
        if following is None:
            return Answer(status, "a location that is no http(s) URL", other_host=True)
        if not target.covers(following):
            other = following.origin != target.origin
            return Answer(status, str(following), other_host=other)
        url = following
    return Answer(error=f"more than {MAX_REDIRECTS} redirects within the index URL")


def _timed_out(seconds: float) -> str:
    return f"timed out after {seconds:g}s (UVCREDS_TIMEOUT)"


def _get(url: str, authorization: str | None, seconds: float) -> tuple[int, str | None, str | None]:
    """One GET, no redirect followed: (status, Location, None) or (0, None, why not)."""
    import http.client
    import socket
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None  # urllib raises the 3xx as an HTTPError: the probe decides

    headers = {"Accept": ACCEPT, "User-Agent": f"uvcreds/{__version__} (doctor)"}
    request = urllib.request.Request(url, headers=headers)
    if authorization is not None:
        request.add_unredirected_header("Authorization", authorization)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=seconds) as response:
            return int(response.status), None, None
    except urllib.error.HTTPError as exc:
        try:
            return int(exc.code), exc.headers.get("Location"), None
        finally:
            exc.close()
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return 0, None, _timed_out(seconds)
        text = getattr(reason, "strerror", None) or str(reason)
        return 0, None, f"cannot reach {urls.display(url)}: {text}"
    except (socket.timeout, TimeoutError):
        return 0, None, _timed_out(seconds)
    except (OSError, http.client.HTTPException, ValueError, UnicodeError) as exc:
        return 0, None, f"cannot reach {urls.display(url)}: {type(exc).__name__}"
