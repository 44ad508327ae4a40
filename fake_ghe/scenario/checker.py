"""Checking a read scenario with ``fake_ghe.rules``: every problem, each at its line.

Items are checked in document order against an ``Overlay``: what the store already holds plus
what the items before this one add. So a token may name a user defined above it, and a login
used twice is reported at its second use. Nothing touches the store here; a clean document
becomes a ``Plan`` that ``fake_ghe.scenario.load_scenario`` seeds in one hold of the lock.
Costs O(users + apps + authorizations): each check is a few dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from .. import rules
from ..describe import kind_of, shown
from ..errors import FieldProblem
from ..model import PERSONAL_CLIENT_ID

# The package re-exports the reader's names; it imports this module only when first used.
from . import DOCUMENT, UNREADABLE, KeyPath, Problem, Scenario, format_path

VERSION = 1
TOP_FIELDS = ("version", "users", "oauth_apps", "authorizations")
SECTIONS = ("users", "oauth_apps", "authorizations")
# [decision] A document with this many problems is not worth reading further.
MAX_PROBLEMS = 100
# Stands for an app of the document whose client_id the store makes up when seeding.
_MADE_UP = "#app"


@dataclass
class Plan:
    """What a clean scenario adds, in document order (app specs keyed for references)."""

    users: list[rules.UserSpec] = field(default_factory=list)
    apps: list[tuple[str, rules.AppSpec]] = field(default_factory=list)
    authorizations: list[rules.AuthorizationSpec] = field(default_factory=list)


class Overlay:
    """``rules.World`` over the store (None: an empty one) plus what the document adds."""

    def __init__(self, store: rules.World | None, where: Callable[[KeyPath], str]) -> None:
        self.store = store
        self.where = where
        self.logins: dict[str, KeyPath] = {}
        self.client_ids: dict[str, KeyPath] = {}
        self.names: dict[str, list[str]] = {}
        self.tokens: dict[str, KeyPath] = {}
        self.notes: dict[tuple[str, str], KeyPath] = {}
        self.fingerprints: dict[tuple[str, str, str], KeyPath] = {}
        self.personal: dict[str, int] = {}
        # A section with an unreadable item: references into it are not reported as missing.
        self.lenient: set[str] = set()

    def _found(self, mine: KeyPath | None, theirs: str | None) -> str | None:
        if mine is not None:
            return f" (first at {self.where(mine)})"
        return None if theirs is None else " in the store"

    def _ask(self, question: Callable[[rules.World], str | None]) -> str | None:
        """The store's answer (None without a store)."""
        return question(self.store) if self.store is not None else None

    def login_taken(self, login: str) -> str | None:
        known = self._found(
            self.logins.get(login.lower()), self._ask(lambda w: w.login_taken(login))
        )
        if known is None and "users" in self.lenient:
            return ""
        return known

    def client_id_taken(self, client_id: str) -> str | None:
        store = self._ask(lambda w: w.client_id_taken(client_id))
        return self._found(self.client_ids.get(client_id), store)

    def token_taken(self, token: str) -> str | None:
        return self._found(self.tokens.get(token), self._ask(lambda w: w.token_taken(token)))

    def note_taken(self, login: str, note: str) -> str | None:
        store = self._ask(lambda w: w.note_taken(login, note))
        return self._found(self.notes.get((login.lower(), note)), store)

    def fingerprint_taken(self, login: str, group: str, fingerprint: str) -> str | None:
        store = self._ask(lambda w: w.fingerprint_taken(login, group, fingerprint))
        return self._found(self.fingerprints.get((login.lower(), group, fingerprint)), store)

    def personal_count(self, login: str) -> int:
        store = self.store.personal_count(login) if self.store else 0
        return store + self.personal.get(login.lower(), 0)

    def apps_named(self, name_or_client_id: str) -> list[str]:
        if name_or_client_id in self.client_ids:
            return [name_or_client_id]
        found = self.store.apps_named(name_or_client_id) if self.store else []
        found = found + self.names.get(name_or_client_id, [])
        if not found and "oauth_apps" in self.lenient:
            return [_MADE_UP]
        return found

    def some_logins(self) -> list[str]:
        mine = [path_login for path_login in islice(self.logins, 11)]
        return mine + (self.store.some_logins() if self.store else [])

    def some_client_ids(self) -> list[str]:
        mine = [cid for cid in islice(self.client_ids, 11) if not cid.startswith(_MADE_UP)]
        return mine + (self.store.some_client_ids() if self.store else [])


class Checker:
    def __init__(self, scenario: Scenario, store: rules.World | None) -> None:
        self.scenario = scenario
        self.problems: list[Problem] = []
        self.plan = Plan()
        self.world = Overlay(store, self.where)

    def report(self, path: KeyPath, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                Problem(self.scenario.file, self.line(path), format_path(path), message)
            )

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor there (e.g. for a missing key)."""
        for end in range(len(path), -1, -1):
            line = self.scenario.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: KeyPath) -> str:
        line = self.line(path)
        return format_path(path) + (f", line {line}" if line is not None else "")

    # ------------------------------------------------------------------ the document

    def document(self, data: Any) -> None:
        if data is UNREADABLE:
            return
        if not isinstance(data, Mapping):
            self.report((), f"must be a mapping, not {kind_of(data)}")
            return
        for key in data:
            if key not in TOP_FIELDS:
                self.report((key,), f"unknown key; expected one of: {', '.join(TOP_FIELDS)}")
        version = data.get("version")
        readable = version is not None and version is not UNREADABLE
        if readable and (type(version) is not int or version != VERSION):
            self.report(
                ("version",),
                f"unsupported version {shown(version)}; this fake reads version {VERSION}",
            )
        checks = {"users": self.user, "oauth_apps": self.oauth_app, "authorizations": self.token}
        for section in SECTIONS:
            for path, item in self.items(data, section):
                if len(self.problems) >= MAX_PROBLEMS:
                    return
                checks[section](path, item)

    def items(self, data: Mapping[str, Any], section: str) -> list[tuple[KeyPath, Any]]:
        """The mappings of a section's list; anything else is reported (or was, if unreadable)."""
        value = data.get(section)
        if value is None:
            return []
        if value is UNREADABLE or not isinstance(value, (list, tuple)):
            self.world.lenient.add(section)
            if value is not UNREADABLE:
                self.report((section,), f"must be a list, not {kind_of(value)}")
            return []
        found: list[tuple[KeyPath, Any]] = []
        for index, item in enumerate(value):
            path = (section, index)
            if isinstance(item, Mapping):
                found.append((path, item))
            else:
                self.world.lenient.add(section)
                if item is not UNREADABLE:
                    self.report(path, f"must be a mapping, not {kind_of(item)}")
        return found

    def fields(self, path: KeyPath, item: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """The item without its unreadable values (already reported), and their keys."""
        unreadable = {key for key, value in item.items() if value is UNREADABLE}
        return {k: v for k, v in item.items() if k not in unreadable}, unreadable

    def problems_of(self, path: KeyPath, found: list[FieldProblem], unreadable: set[str]) -> None:
        for problem in found:
            if problem.where[0] not in unreadable:
                self.report((*path, *problem.where), problem.message)

    # ------------------------------------------------------------------ items

    def user(self, path: KeyPath, item: Mapping[str, Any]) -> None:
        fields, unreadable = self.fields(path, item)
        spec, found = rules.check_user(fields, self.world)
        self.problems_of(path, found, unreadable)
        login = fields.get("login")
        if spec is not None:
            self.plan.users.append(spec)
        # Registered even if the user has other problems, so that its tokens are not also
        # reported as pointing at a missing user.
        if isinstance(login, str) and self.world.login_taken(login) is None:
            self.world.logins[login.lower()] = path
        elif "login" in unreadable:
            self.world.lenient.add("users")

    def oauth_app(self, path: KeyPath, item: Mapping[str, Any]) -> None:
        fields, unreadable = self.fields(path, item)
        spec, found = rules.check_app(fields, self.world)
        self.problems_of(path, found, unreadable)
        client_id = fields.get("client_id")
        if not isinstance(client_id, str) or self.world.client_id_taken(client_id) is not None:
            client_id = f"{_MADE_UP}{len(self.plan.apps)}:{path[1]}"
        self.world.client_ids[client_id] = path
        name = fields.get("name")
        if isinstance(name, str):
            self.world.names.setdefault(name, []).append(client_id)
        if unreadable & {"client_id", "name"}:
            self.world.lenient.add("oauth_apps")
        if spec is not None:
            self.plan.apps.append((client_id, spec))

    def token(self, path: KeyPath, item: Mapping[str, Any]) -> None:
        fields, unreadable = self.fields(path, item)
        spec, found = rules.check_authorization(fields, self.world)
        self.problems_of(path, found, unreadable)
        if spec is None:
            return
        self.plan.authorizations.append(spec)
        login, group = spec.login.lower(), spec.client_id or PERSONAL_CLIENT_ID
        if spec.token is not None:
            self.world.tokens[spec.token] = path
        if spec.client_id is None:
            self.world.personal[login] = self.world.personal.get(login, 0) + 1
            if spec.note is not None:
                self.world.notes[(login, spec.note)] = path
        if spec.fingerprint is not None:
            self.world.fingerprints[(login, group, spec.fingerprint)] = path


def check(scenario: Scenario, store: rules.World | None) -> tuple[Plan, list[Problem]]:
    """The plan of a scenario and every problem with it (the reader's first)."""
    checker = Checker(scenario, store)
    if not scenario.problems or scenario.data is not None:
        checker.document(scenario.data)
    problems = list(scenario.problems) + checker.problems
    if any(problem.line is not None for problem in problems):
        problems.sort(key=lambda problem: problem.line or 0)
    if len(checker.problems) >= MAX_PROBLEMS:
        problems.append(
            Problem(scenario.file, None, DOCUMENT, f"stopped after {MAX_PROBLEMS} problems")
        )
    return checker.plan, problems
