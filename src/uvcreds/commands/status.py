"""`uvcreds status`: each index as the pipeline decided it, nothing fetched, no secret."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from uvcreds.errors import UvcredsError, printable
from uvcreds.model import Problem
from uvcreds.pipeline import obtain, resolve
from uvcreds.routes import store as store_route
from uvcreds.state import cache
from uvcreds.state.paths import Locations


def rows(
    cwd: Path, environ: Mapping[str, str], script: Path | None
) -> tuple[list[dict[str, object]], list[Problem]]:
    """What status shows, from the pipeline's decisions: nothing fetched, no secret."""
    locations = Locations(environ)
    result, _ = resolve.plan_decisions(cwd, environ, locations, script=script)
    problems = list(result.problems)
    try:
        tokens, warning = cache.load(locations.cache_dir)
        problems += [Problem(warning, is_error=False)] if warning else []
    except UvcredsError as exc:
        tokens, problems = {}, [*problems, Problem(str(exc))]
    rows: list[dict[str, object]] = []
    held = store_route.describer(environ, locations)
    for decision in result.decisions:
        token, expires = obtain.token_state(decision, tokens)
        for item in decision.indexes:
            rows.append(
                {
                    "name": item.index.name,
                    "url": item.index.display_url,
                    "source": item.index.source,
                    "role": item.index.role,
                    "provider": item.provider,
                    "username_var": decision.username_var,
                    "password_var": decision.password_var,
                    "settings": item.settings.origin,
                    "trust": result.trust if item.team_file else "no project settings",
                    "token": token
                    if item is decision.chosen
                    else "none needed"
                    if item.provider is None
                    else f"shares {decision.password_var}",
                    "expires_at": expires if item is decision.chosen else None,
                    "uv_store": held(item.index.target),
                    "problem": item.problem or decision.problem,
                }
            )
    return rows, problems


def text(row: Mapping[str, object]) -> str:
    """One index as `status` prints it."""
    shown = {key: printable(str(value)) for key, value in row.items()}
    return (
        f"{shown['name']}  {shown['url']}\n"
        f"  defined in: {shown['source']} ({shown['role']})\n"
        f"  provider:   {row['provider'] or 'none (no credentials needed)'}\n"
        f"  variables:  {shown['username_var']} {shown['password_var']}\n"
        f"  token:      {shown['token']}\n"
        f"  uv's store: {shown['uv_store']}\n"
        f"  settings:   {shown['settings']} ({shown['trust']})\n"
        + (f"  problem:    {shown['problem']}\n" if row["problem"] else "")
    )
