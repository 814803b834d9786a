"""The decision per variable: whose credential goes into it, where it may be sent (its
scope), and the one line that says why it may not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from uvcreds import names, urls
from uvcreds.errors import UvcredsError
from uvcreds.model import DESTINATIONS_ONLY, UPLOAD, USER_SECRET, Credential, Index, Problem
from uvcreds.pipeline.settings import Credentials, Resolved
from uvcreds.providers import PROVIDERS
from uvcreds.providers.base import HeldIn
from uvcreds.state import cache, plan, trust
from uvcreds.uv.found import Discovery

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Scope:
    """Where a credential may be sent."""

    binding: urls.Url | None = None  # below the personal `[[credential]]` url
    project: bool = False  # anywhere the allowed project's files say
    vendor: tuple[str, str] | None = None  # (provider, resource): that vendor resource

    def covers(self, index: Index) -> bool:
        if index.target is None:
            return index.url_error is None  # a local path: uv sends it nothing
        binding = self.binding
        if binding is not None and index.role == UPLOAD:
            binding = binding.root()  # as covers_upload: the index's files are there too
        if self.project or (binding is not None and binding.covers(index.target)):
            return True
        if self.vendor is None:
            return False
        provider, resource = self.vendor
        return PROVIDERS[provider].resource(index.target) == resource

    def covers_upload(self, url: urls.Url, index: Index) -> bool:
        """Whether an upload to `url` may carry this credential: below the binding less a
        trailing `simple` segment (where uv sends the index's credential for files anyway),
        below an allowed project's index likewise, or the same vendor resource. Never merely
        because the index it came from is bound."""
        if self.binding is not None and self.binding.root().covers(url):
            return True
        if self.project and index.target is not None and index.target.root().covers(url):
            return True
        return self.vendor is not None and (
            PROVIDERS[self.vendor[0]].resource(url) == self.vendor[1]
        )


@dataclass
class Decision:
    """One variable pair, every index uv sends it to, and what uvcreds puts in it."""

    stem: str
    indexes: list[Resolved]  # uv's order: the settings list first
    chosen: Resolved | None  # whose credential it is (None: no index here needs one)
    credential: Credential | None = None
    key: str | None = None  # the cache key, for a token the cache keeps
    held_in: HeldIn | None = None  # the variables a secret is read from again
    problem: str | None = None
    blocked: bool = False  # the problem is a destination the credential does not cover
    due_at: float = cache.NEVER

    @property
    def username_var(self) -> str:
        return names.stem_variables(self.stem)[0]

    @property
    def password_var(self) -> str:
        return names.stem_variables(self.stem)[1]

    def planned(self) -> plan.Variable:
        """This decision as the plan keeps it: no secret, only where it is read again."""
        assert self.chosen is not None
        names = list(dict.fromkeys([self.chosen.index.name, *(r.index.name for r in self.indexes)]))
        scope = scope_of(self.chosen, self.credential)  # all of them, but in secret-free mode
        targets = sorted(
            {str(r.index.target) for r in self.indexes if r.index.target and scope.covers(r.index)}
        )
        held = self.held_in
        again = None if held is None else (held.password_env, held.username_env, held.username)
        index = self.chosen.index
        return plan.variable(
            self.stem, names, targets, index.username, self.key, again, always=self.always
        )

    @property
    def always(self) -> bool:
        """Whether uv asks a keyring for the chosen index even without a username."""
        return self.chosen is not None and self.chosen.index.authenticate == "always"

    @property
    def username(self) -> str:
        """The credential's username, else one written into the chosen index URL (uv's)."""
        assert self.credential is not None and self.chosen is not None
        return self.credential.username or self.chosen.index.username


@dataclass
class Result:
    discovery: Discovery
    decisions: list[Decision] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    trust: str = trust.NOT_ALLOWED
    credentials: Credentials = field(default_factory=lambda: Credentials(Path(), []))
    watched: list[str] = field(default_factory=list)  # for the shells: a change means "again"
    due_at: float = cache.NEVER
    publish: dict[str, str] = field(default_factory=dict)  # UV_PUBLISH_*, when asked for
    notes: list[str] = field(default_factory=list)  # said, but the plan is kept (no problem)
    read: Mapping[str, str | None] = field(default_factory=dict)  # each variable read, live

    @property
    def ok(self) -> bool:
        return all(d.problem is None for d in self.decisions) and not any(
            p.is_error for p in self.problems
        )

    def messages(self) -> list[str]:
        """Every problem, one line each; never a secret."""
        lines = [p.message for p in self.problems]
        lines += [d.problem for d in self.decisions if d.problem is not None]
        lines += self.notes
        return list(dict.fromkeys(lines))

    def variables(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for decision in self.decisions:
            if decision.credential is not None and decision.problem is None:
                values[decision.username_var] = decision.username
                values[decision.password_var] = decision.credential.password
        return values

    def keyring_asked(self) -> bool:
        """Whether uv asks the keyring for an index here that has no username (one that
        says authenticate = "always"): secret-free mode must wire the keyring for it too."""
        return any(d.always for d in self.decisions if d.credential and d.problem is None)

    def secret_variables(self) -> list[str]:
        """The variables holding secrets the bindings name (set or not), and the vendors'
        own default ones: setting, changing or unsetting one changes what is exported."""
        names: list[str] = []
        for decision in self.decisions:
            for item in decision.indexes:
                values = item.settings.values
                names += [str(v) for k, v in values.items() if k.endswith("-env") and v]
                names += item.provider_module.SECRET_ENV if item.provider_module else ()
        return sorted({n for n in names if n.isidentifier() and n.isascii()})

    def shell_variables(self) -> list[str]:
        """What a shell compares before each prompt: the secret variables, and every other
        variable the decision read (UVCREDS_CONFIG, UV_INDEX, ...), set or not."""
        return plan.shell_names([*self.secret_variables(), *self.read])

    def names(self) -> list[str]:
        return list(dict.fromkeys(r.index.name for d in self.decisions for r in d.indexes))


def scope_of(chosen: Resolved, credential: Credential | None) -> Scope:
    """Where this credential may go; before it is fetched (None), the widest it could get."""
    vendor = None
    provider = chosen.provider_module
    target = chosen.index.target
    resource = provider.resource(target) if provider is not None and target else None
    if resource is not None and (credential is None or credential.origin != USER_SECRET):
        vendor = (str(chosen.provider), resource)
    return Scope(chosen.binding, chosen.project_bound, vendor)


def by_variable(resolved: list[Resolved]) -> dict[str, list[Resolved]]:
    groups: dict[str, list[Resolved]] = {}
    for item in resolved:
        groups.setdefault(names.env_stem(item.index.name), []).append(item)
    return groups


def decide(stem: str, items: list[Resolved]) -> Decision:
    """Whose credential goes into the variable, and whether it can: the first index with a
    provider is chosen; an error on it, or a destination its widest scope cannot cover,
    means nothing is exported (and nothing is fetched)."""
    failed = next((i for i in items if i.problem is not None), None)
    choices = (i for i in items if i.provider is not None and i.index.role not in DESTINATIONS_ONLY)
    chosen = next(choices, None)
    decision = Decision(stem, items, chosen)
    if failed is not None:
        decision.problem = failed.problem
    elif chosen is not None and chosen.provider_module is not None:
        decision.problem = blocked(decision, scope_of(chosen, None))
        decision.blocked = decision.problem is not None
        try:
            decision.held_in = chosen.provider_module.held_in(chosen.index, chosen.settings)
        except UvcredsError as exc:
            decision.problem = str(exc)
    return decision


def is_never_asked(decision: Decision) -> bool:
    """A credential uv would never ask a keyring for: no username, no authenticate = "always"."""
    if decision.credential is None or decision.problem is not None or decision.always:
        return False
    return not decision.username


def never_asked(decision: Decision) -> str:
    assert decision.chosen is not None
    index = decision.chosen.index
    return (
        f"index {index.name!r} (defined in {index.source}): uv asks a keyring only with a "
        "username, and its credential has none (an access token); add authenticate = "
        '"always" to that index, so uv asks uvcreds'
    )


def blocked(decision: Decision, scope: Scope) -> str | None:
    """One line naming the first destination `scope` does not cover, or None."""
    assert decision.chosen is not None
    chosen = decision.chosen.index
    for item in decision.indexes:
        if item is decision.chosen or scope.covers(item.index):
            continue  # the chosen index's own credential: the provider says if it has none
        other = item.index
        where = (
            "an index of the same name" if other.name == chosen.name else f"index {other.name!r}"
        )
        return (
            f"{decision.password_var} is not exported: uv would also send it to {where} at "
            f"{other.display_url} (defined in {other.source}), where the credential of index "
            f"{chosen.name!r} is not bound; rename that index, or bind its URL in your config"
        )
    return None
