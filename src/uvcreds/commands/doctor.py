"""`uvcreds doctor`: each index explained end to end, and probed live.

For every index the pipeline knows (resolve.py): where it is defined, its provider, the
trust of its project settings, the credential uvcreds would export now (where it comes
from, when it expires), whether this shell's `UV_INDEX_<V>_*` hold that, and what the index
answers to a GET of its URL without the credential and with it. Each answer is explained
in one line (`explain`); the lines are plain values, printed by cli.py.

The credential goes only to the index URL itself, and only where uvcreds would export it
for that index anyway: a redirect out of the index URL is reported, never followed (so
another host never sees it). No secret is in anything returned here: the shell's values
and uvcreds' are compared, never shown.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from uvcreds import __version__, urls
from uvcreds.errors import printable
from uvcreds.model import VENDOR_VARIABLE, Problem
from uvcreds.pipeline import decide, resolve
from uvcreds.pipeline.settings import Resolved
from uvcreds.providers import PROVIDERS, detect
from uvcreds.providers.base import timeout
from uvcreds.routes import store as store_route
from uvcreds.routes.env import hook
from uvcreds.state import cache
from uvcreds.state.paths import Locations

Warn = Callable[[str], None]

# What uv asks an index for (crates/uv-client: the Simple API, JSON first).
ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
UV_404 = "a bad or expired token, which uv reports as 'package not found' (uv #11899)"
NO_CREDENTIALS = "no credentials configured (it answered {status}; see `uvcreds doctor`)"


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


@dataclass
class Row:
    """One index as doctor shows it; no field holds a secret."""

    name: str
    url: str
    source: str
    role: str
    provider: str | None
    settings: str
    trust: str
    username_var: str
    password_var: str
    credential: str
    expires_at: float | None
    shell: dict[str, str]  # variable -> current / missing / stale / shadowed / set by you / unset
    without: Answer | None = None
    with_credential: Answer | None = None
    diagnosis: str = ""
    notes: list[str] = field(default_factory=list)
    ok: bool = False
    uv_store: str = ""  # what uv's own credential store holds for this index, and whose

    def probe_text(self) -> str:
        if self.without is None:
            return "not probed (a local path: uv sends it no credential)"
        said = f"without the credential: {self.without.text()}"
        if self.with_credential is None:
            return f"{said}; with it: not sent (uvcreds has none for this index)"
        return f"{said}; with it: {self.with_credential.text()}"

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "source": self.source,
            "role": self.role,
            "provider": self.provider,
            "settings": self.settings,
            "trust": self.trust,
            "username_var": self.username_var,
            "password_var": self.password_var,
            "credential": self.credential,
            "expires_at": self.expires_at,
            "shell": self.shell,
            "uv_store": self.uv_store,
            "without_credential": self.without.as_json() if self.without else None,
            "with_credential": self.with_credential.as_json() if self.with_credential else None,
            "diagnosis": self.diagnosis,
            "notes": self.notes,
            "ok": self.ok,
        }


@dataclass
class Report:
    rows: list[Row]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Every index answered with its credential (or, needing none, without), and
        nothing reported is an error."""
        return all(row.ok for row in self.rows) and not any(p.is_error for p in self.problems)


def prepare(
    cwd: Path,
    environ: Mapping[str, str],
    locations: Locations,
    *,
    script: Path | None = None,
    warn: Warn,
) -> decide.Result:
    """What uvcreds would export here now: the pipeline, the cache used as export uses it."""
    return resolve.collect(cwd, environ, locations, script=script, warn=warn)


def examine(result: decide.Result, environ: Mapping[str, str], names: Sequence[str] = ()) -> Report:
    """Every index of `result` (or those named), explained and probed; the probes run at
    once, all within UVCREDS_TIMEOUT."""
    seconds = timeout(environ)
    picked = [
        (decision, item)
        for decision in result.decisions
        for item in decision.indexes
        if not names or item.index.name in names
    ]
    set_by_uvcreds = _set_by_uvcreds(environ)
    jobs: list[Callable[[], Answer]] = []
    slots: list[tuple[int | None, int | None]] = []
    for decision, item in picked:
        target = item.index.target
        if target is None:
            slots.append((None, None))
            continue
        slots.append((len(jobs), len(jobs) + 1 if _sendable(decision, item) else None))
        jobs.append(_job(target, None, seconds))
        if _sendable(decision, item):
            assert decision.credential is not None
            jobs.append(
                _job(target, _basic(decision.username, decision.credential.password), seconds)
            )
    answers = _run_all(jobs, seconds)
    held = store_route.describer(environ, Locations(environ))
    rows = []
    for (decision, item), (without, with_credential) in zip(picked, slots):
        row = _row(result, decision, item, environ)
        row.without = answers[without] if without is not None else None
        row.with_credential = answers[with_credential] if with_credential is not None else None
        row.uv_store = held(item.index.target)
        in_store = row.uv_store.startswith("uvcreds' entry")
        states, shell_notes = shell_state(decision, environ, set_by_uvcreds, in_store=in_store)
        row.shell = states
        row.diagnosis, row.ok, row.notes = explain(decision, item, row.without, row.with_credential)
        row.notes += [note for note, _ in shell_notes]
        row.ok = row.ok and not any(is_error for _, is_error in shell_notes)
        rows.append(row)
    return Report(rows, list(result.problems))


# --- what each row says ------------------------------------------------------------------


def _row(
    result: decide.Result, decision: decide.Decision, item: Resolved, environ: Mapping[str, str]
) -> Row:
    credential, expires = credential_state(decision, item, environ)
    return Row(
        name=item.index.name,
        url=item.index.display_url,
        source=item.index.source,
        role=item.index.role,
        provider=item.provider,
        settings=item.settings.origin,
        trust=result.trust if item.team_file else "no project settings",
        username_var=decision.username_var,
        password_var=decision.password_var,
        credential=credential,
        expires_at=expires,
        shell={},
    )


def credential_state(
    decision: decide.Decision, item: Resolved, environ: Mapping[str, str]
) -> tuple[str, float | None]:
    """Which credential uvcreds has for this index, from where, until when; never a secret."""
    if item.problem is not None:
        return f"none: {item.problem}", None
    if item.index.target is None:
        return "none needed (a local path)", None
    chosen = decision.chosen
    if chosen is None:
        return "none needed (no provider)", None
    credential = decision.credential
    if credential is None:
        return f"none: {decision.problem or 'not fetched'}", None
    if item is not chosen:
        shared = f"index {chosen.index.name!r}'s, through the shared {decision.password_var}"
        return shared, credential.expires_at
    held = decision.held_in
    if held is not None:
        where = "the environment" if held.password_env in environ else "the project's .env"
        vendor = " (the vendor's own variable)" if credential.origin == VENDOR_VARIABLE else ""
        what = f"secret from {held.password_env}{vendor}, read from {where}"
    else:
        what = PROVIDERS[str(chosen.provider)].MADE_BY
    if chosen.binding is not None:
        bound = "through your binding"
    elif chosen.team_file is not None:
        bound = "through the project's settings"
    else:
        bound = "for the vendor host of its URL"
    expires = credential.expires_at
    if expires is None:
        until = "read afresh each time" if held is not None else "no expiry"
    else:
        until = cache.expiry_text(expires, time.time())
    return f"{what}; {bound}; {until}", expires


def _set_by_uvcreds(environ: Mapping[str, str]) -> set[str]:
    """The variables this shell's hook set (UVCREDS_STATE's "prev", checked as the hook
    checks it: names uvcreds forms, or nothing)."""
    previous = hook.read_state(environ).get("prev", {})
    return set(previous) if isinstance(previous, dict) else set()


def shell_state(
    decision: decide.Decision,
    environ: Mapping[str, str],
    set_by_uvcreds: set[str],
    *,
    in_store: bool = False,
) -> tuple[dict[str, str], list[tuple[str, bool]]]:
    """Each variable of this index in this shell against what uvcreds would export now, and
    one line (with whether it is an error) per way they differ. Values are compared, never
    shown. `in_store`: uv's credential store holds uvcreds' entry for it (the store route),
    so an unset variable is as it should be."""
    credential = decision.credential if decision.problem is None else None
    wanted = {
        decision.username_var: decision.username if credential is not None else None,
        decision.password_var: credential.password if credential is not None else None,
    }
    secret_free = "UV_KEYRING_PROVIDER" in set_by_uvcreds
    states: dict[str, str] = {}
    for name, value in wanted.items():
        have = environ.get(name)
        if secret_free and name == decision.password_var and have is None:
            states[name] = "secret-free"  # uv asks uvcreds' keyring for it
        elif in_store and have is None:
            states[name] = "in uv's store"
        elif have == value:
            states[name] = "current" if value is not None else "unset"
        elif name in set_by_uvcreds:
            states[name] = "stale" if value is not None else "stale, to be unset"
        elif have is None:
            states[name] = "missing"
        else:
            states[name] = "set by you" if value is None else "shadowed"
    notes: list[tuple[str, bool]] = []
    for state, (line, is_error) in SHELL_NOTES.items():
        names = [name for name, found in states.items() if found == state]
        if names:
            verb = "is" if len(names) == 1 else "are"
            text = line.format(names=" and ".join(names), is_=verb, listed=" ".join(names))
            notes.append((text, is_error))
    return states, notes


SHELL_NOTES = {
    "stale": (
        "{names} {is_} stale: uvcreds set it earlier and would export another value now; the "
        'next prompt updates it (or run `eval "$(uvcreds export)"`)',
        False,
    ),
    "stale, to be unset": (
        "{names} {is_} stale: uvcreds set it earlier and would export nothing now; the next "
        "prompt unsets it",
        False,
    ),
    "missing": (
        "{names} {is_} not set in this shell: install the hook (`uvcreds init SHELL`), or run "
        '`eval "$(uvcreds export)"` or `uvcreds exec -- uv …`',
        False,
    ),
    "set by you": ("{names} {is_} set in this shell, not by uvcreds; uv sends that value", False),
    "shadowed": (
        "{names} {is_} set in this shell, not by uvcreds, and uv sends that instead of what "
        "uvcreds would export; `unset {listed}`",
        True,
    ),
}


# --- the probe -----------------------------------------------------------------------------


def _sendable(decision: decide.Decision, item: Resolved) -> bool:
    """Whether the credential may go to this index: uvcreds exports it for its variable, and
    its scope covers this very URL."""
    if decision.credential is None or decision.problem is not None or decision.chosen is None:
        return False
    return decide.scope_of(decision.chosen, decision.credential).covers(item.index)


def _basic(username: str, password: str) -> str:
    pair = f"{username}:{password}".encode("utf-8", "surrogateescape")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _job(target: urls.Url, authorization: str | None, seconds: float) -> Callable[[], Answer]:
    return lambda: probe(target, authorization, seconds)


def _run_all(jobs: list[Callable[[], Answer]], seconds: float) -> list[Answer]:
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


# --- the explanations ---------------------------------------------------------------------


def explain(
    decision: decide.Decision,
    item: Resolved,
    without: Answer | None,
    with_credential: Answer | None,
) -> tuple[str, bool, list[str]]:
    """The one-line diagnosis, whether the index answered as it should, and notes."""
    if item.problem is not None:
        return item.problem, False, []
    if without is None:
        return "good: a local path, which uv reads without credentials", True, []
    if decision.chosen is None:
        return _without_credentials(item, without), without.good, []
    if with_credential is None:  # a vendor login that failed, or a destination not covered
        return decision.problem or "uvcreds has no credential it may send here", False, []
    return _with_credential(decision, item, without, with_credential)


def _without_credentials(item: Resolved, without: Answer) -> str:
    if without.good:
        return f"good: it answered {without.status} without credentials; none are needed"
    if without.status in (401, 403):
        return NO_CREDENTIALS.format(status=without.status)
    return _other(without, "without credentials", item)


def _with_credential(
    decision: decide.Decision, item: Resolved, without: Answer, answer: Answer
) -> tuple[str, bool, list[str]]:
    assert decision.credential is not None and decision.chosen is not None
    name = decision.chosen.index.name
    password = decision.credential.password
    if answer.good:
        return f"good: it answered {answer.status} with the credential", True, []
    vendor = vendor_of(decision.chosen)
    shape = password_problem(password, _where(decision))
    if answer.status in (401, 403):
        cause = (
            shape
            or username_problem(vendor, decision.username, decision)
            or _refused(decision, vendor)
        )
        return f"wrong credential ({answer.status} with it): {cause}", False, []
    refuses_with_404 = any(
        found is not None and PROVIDERS[found].NOT_FOUND_IS_REFUSED
        for found in (vendor, _vendor_host(item))
    )
    if answer.status == 404 and (refuses_with_404 or without.status in (401, 403)):
        fix = shape or (
            f"check the secret in {decision.held_in.password_env}"
            if decision.held_in is not None
            else f"get a new one with `uvcreds refresh {name}`"
        )
        return f"404 with the credential: {UV_404}; {fix}", False, []
    notes = [shape] if shape and answer.status is None else []
    return _other(answer, "with the credential", item), False, notes


def _other(answer: Answer, how: str, item: Resolved) -> str:
    if answer.status is None:
        return f"no answer {how}: {answer.error}"
    if answer.location is not None:
        if answer.other_host:
            return (
                f"{answer.status} {how}: it redirects to another host ({answer.location}), "
                "which the probe sends no credential to and does not follow; make the index "
                "URL the one it redirects to"
            )
        return (
            f"{answer.status} {how}: it redirects to {answer.location}, outside the index "
            "URL, which the probe does not follow; make the index URL the one it redirects to"
        )
    if answer.status == 404:
        return f"404 {how}: the index URL does not exist; check the url in {item.index.source}"
    if answer.status >= 500:
        return f"{answer.status} {how}: the index failed; try again later"
    return f"{answer.status} {how}: not an answer a package index gives"


def vendor_of(chosen: Resolved) -> str | None:
    """Whose username convention applies: the provider's, else the URL's vendor (an env
    binding on a JFrog URL still needs JFrog's)."""
    if chosen.provider_module is not None and chosen.provider_module.VENDOR is not None:
        return chosen.provider
    return _vendor_host(chosen)


def _vendor_host(item: Resolved) -> str | None:
    found = detect(item.index.target)
    return found if found is not None and PROVIDERS[found].VENDOR is not None else None


def _where(decision: decide.Decision) -> str:
    """Where the password was read from, for a fix."""
    if decision.held_in is not None:
        return decision.held_in.password_env
    assert decision.chosen is not None and decision.chosen.provider_module is not None
    return decision.chosen.provider_module.REFUSED


def password_problem(password: str, where: str) -> str | None:
    """A password that cannot be right as pasted: JSON, or whitespace around it."""
    stripped = password.strip()
    if stripped[:1] in ("{", "["):
        return (
            f"the password looks like pasted JSON (it starts with {stripped[0]!r}), not a "
            f"token; put only the token in {where}"
        )
    if stripped != password:
        return (
            "the password has leading or trailing whitespace, which uv sends as part of it; "
            f"remove it from {where}"
        )
    return None


def username_problem(vendor: str | None, username: str, decision: decide.Decision) -> str | None:
    """Why this username breaks the vendor's convention (the provider's own fact), or None."""
    assert decision.chosen is not None
    clause = PROVIDERS[vendor].username_problem(username) if vendor else None
    if clause is None:
        return None
    return f"{clause}; fix username in {decision.chosen.settings.origin}"


def _refused(decision: decide.Decision, vendor: str | None) -> str:
    assert decision.chosen is not None
    name = decision.chosen.index.name
    kept = f" (the username follows {PROVIDERS[vendor].VENDOR}'s convention)" if vendor else ""
    if decision.held_in is not None:
        return (
            f"the index refused the secret in {decision.held_in.password_env}{kept}; check its "
            "value, and that it may read this index"
        )
    provider = decision.chosen.provider_module
    assert provider is not None
    return f"the index refused {provider.REFUSED}{kept}; {provider.RENEW.format(name=name)}"


def text(row: Row) -> str:
    """One index as `doctor` prints it."""
    shown = printable
    states = set(row.shell.values())
    shell = (
        "nothing to export, nothing set"
        if states == {"unset"}
        else f"{' '.join(row.shell)} current"
        if states == {"current"}
        else ", ".join(f"{name} {state}" for name, state in row.shell.items())
    )
    lines = [
        f"{shown(row.name)}  {shown(row.url)}",
        f"  defined in:  {shown(row.source)} ({row.role})",
        f"  provider:    {shown(row.provider or 'none')} (settings: {shown(row.settings)})",
        f"  trust:       {row.trust}",
        f"  credential:  {shown(row.credential)}",
        f"  this shell:  {shell}",
        f"  uv's store:  {shown(row.uv_store)}",
        f"  probe:       {shown(row.probe_text())}",
        f"  diagnosis:   {shown(row.diagnosis)}",
        *(f"  note:        {shown(note)}" for note in row.notes),
    ]
    return "\n".join(lines) + "\n"
