"""What an index's answers mean, in one line: a refused credential and why (the vendor's
username convention, a pasted JSON or whitespace), a 404 that is a bad token (uv #11899),
a redirect, an index that failed."""

from __future__ import annotations

from uvcreds.commands.doctor.probe import Answer
from uvcreds.pipeline import decide
from uvcreds.pipeline.settings import Resolved
from uvcreds.providers import PROVIDERS, detect

NO_CREDENTIALS = "no credentials configured (it answered {status}; see `uvcreds doctor`)"
UV_404 = "a bad or expired token, which uv reports as 'package not found' (uv #11899)"


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
