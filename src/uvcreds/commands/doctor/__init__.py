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

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from uvcreds.commands.doctor.explain import explain
from uvcreds.commands.doctor.probe import Answer, basic, job, run_all
from uvcreds.commands.doctor.shell import set_by_uvcreds, shell_state
from uvcreds.errors import printable
from uvcreds.model import VENDOR_VARIABLE, Problem
from uvcreds.pipeline import decide, resolve
from uvcreds.pipeline.settings import Resolved
from uvcreds.providers import PROVIDERS
from uvcreds.providers.base import timeout
from uvcreds.routes import store as store_route
from uvcreds.state import cache
from uvcreds.state.paths import Locations

Warn = Callable[[str], None]


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
    set_by_you = set_by_uvcreds(environ)
    jobs: list[Callable[[], Answer]] = []
    slots: list[tuple[int | None, int | None]] = []
    for decision, item in picked:
        target = item.index.target
        if target is None:
            slots.append((None, None))
            continue
        slots.append((len(jobs), len(jobs) + 1 if sendable(decision, item) else None))
        jobs.append(job(target, None, seconds))
        if sendable(decision, item):
            assert decision.credential is not None
            jobs.append(
                job(target, basic(decision.username, decision.credential.password), seconds)
            )
    answers = run_all(jobs, seconds)
    held = store_route.describer(environ, Locations(environ))
    rows = []
    for (decision, item), (without, with_credential) in zip(picked, slots):
        row = _row(result, decision, item, environ)
        row.without = answers[without] if without is not None else None
        row.with_credential = answers[with_credential] if with_credential is not None else None
        row.uv_store = held(item.index.target)
        in_store = row.uv_store.startswith("uvcreds' entry")
        states, shell_notes = shell_state(decision, environ, set_by_you, in_store=in_store)
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


# --- the probe -----------------------------------------------------------------------------


def sendable(decision: decide.Decision, item: Resolved) -> bool:
    """Whether the credential may go to this index: uvcreds exports it for its variable, and
    its scope covers this very URL."""
    if decision.credential is None or decision.problem is not None or decision.chosen is None:
        return False
    return decide.scope_of(decision.chosen, decision.credential).covers(item.index)


# --- the explanations ---------------------------------------------------------------------


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
