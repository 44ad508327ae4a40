"""The rules for authorizations: who and which app, scopes, notes, fingerprints, tokens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import scopes as scope_rules
from ..describe import kind_of, shown
from ..errors import FieldProblem
from ..model import PERSONAL_CLIENT_ID, OAuthApp, User
from .common import (
    AUTHORIZATION_FIELDS,
    TOKEN,
    AuthorizationSpec,
    Report,
    World,
    length_problems,
    listing,
    text_field,
    unknown_keys,
)

# ---------------------------------------------------------------------------- authorizations


def check_authorization(
    fields: Mapping[str, Any], world: World
) -> tuple[AuthorizationSpec | None, list[FieldProblem]]:
    """A seeded token. A personal token without a note gets the first free ``token N``
    (GHE requires a unique note; a seeding helper should not). [decision]"""
    report = Report()
    unknown_keys(report, fields, AUTHORIZATION_FIELDS)
    login = _reference(report, fields.get("user"), "user")
    if login is not None and world.login_taken(login) is None:
        report.add("user", f"no user {login!r}; {listing(world.some_logins(), 'users')}")
        login = None
    client_id = _app(report, fields.get("app"), world)
    scopes = _scopes(report, fields.get("scopes"))
    # Bounded by the API's length rule, so a seeded token is one the API could have made.
    note = text_field(report, fields, "note", limit=None)
    note_url = text_field(report, fields, "note_url", limit=None)
    fingerprint = text_field(report, fields, "fingerprint", limit=None)
    report.problems.extend(length_problems(note=note, note_url=note_url, fingerprint=fingerprint))
    token = text_field(report, fields, "token", strip=True)
    if token is not None:
        if not TOKEN.match(token):
            report.add("token", "must be 40 lowercase hex characters, as GHE's tokens are")
        else:
            where = world.token_taken(token)
            if where is not None:
                report.add("token", f"token ...{token[-8:]} is already in use{where}")
    personal = client_id is None and "app" not in _fields(report)
    if login is not None and personal and "note" not in _fields(report):
        if note is None:
            number = world.personal_count(login) + 1
            while world.note_taken(login, f"token {number}") is not None:
                number += 1
            note = f"token {number}"
        problem = note_problem(world, login, note)
        if problem:
            report.problems.append(problem)
    if login is not None and fingerprint is not None and "app" not in _fields(report):
        problem = fingerprint_problem(world, login, client_id, fingerprint)
        if problem:
            report.problems.append(problem)
    if report.problems or login is None or scopes is None:
        return None, report.problems
    spec = AuthorizationSpec(login, client_id, scopes, note, note_url, fingerprint, token)
    return spec, []


def scopes_problem(scopes: Iterable[str]) -> FieldProblem | None:
    """The API's one problem for unknown scopes, worded as GHE did. [GHE_BEHAVIOR: rec]"""
    bad = scope_rules.invalid(scopes)
    if not bad:
        return None
    return FieldProblem("scopes", "custom", f"scopes are invalid: {', '.join(bad)}")


def note_problem(world: World, login: str, note: str | None) -> FieldProblem | None:
    """A personal token's note is its name on the settings page: required and unique per user.
    GHE reported both against the field "description". [GHE_BEHAVIOR: rec]"""
    if not note:
        return FieldProblem(
            "description", "missing_field", "a personal access token needs a note", ("note",)
        )
    where = world.note_taken(login, note)
    if where is None:
        return None
    message = f"{login!r} already has a personal token with this note{where}"
    return FieldProblem("description", "already_exists", message, ("note",))


def fingerprint_problem(
    world: World, login: str, client_id: str | None, fingerprint: str
) -> FieldProblem | None:
    """One token per user, app and fingerprint: what PUT /authorizations/clients/... finds."""
    where = world.fingerprint_taken(login, client_id or PERSONAL_CLIENT_ID, fingerprint)
    if where is None:
        return None
    message = f"{login!r} already has a token of this app with this fingerprint{where}"
    return FieldProblem("fingerprint", "already_exists", message)


def _fields(report: Report) -> set[str]:
    return {problem.field for problem in report.problems}


def _reference(report: Report, value: Any, field: str) -> str | None:
    """A user given as itself or by login (an app as itself, by client_id or by name)."""
    if isinstance(value, User):
        return value.login
    if isinstance(value, OAuthApp):
        return value.client_id
    return text_field(report, {field: value}, field, required=True)


def _app(report: Report, value: Any, world: World) -> str | None:
    if value is None:
        return None
    ref = _reference(report, value, "app")
    if ref is None:
        return None
    found = world.apps_named(ref)
    if len(found) == 1:
        return found[0]
    if found:
        report.add("app", f"{len(found)} apps are named {ref!r}; give the client_id")
    else:
        known = listing(world.some_client_ids(), "apps")
        report.add("app", f"no OAuth app with client_id or name {ref!r}; {known}")
    return None


def _scopes(report: Report, value: Any) -> tuple[str, ...] | None:
    """One scope as a string, or a list of them; each a scope GHE 2.18 knew."""
    if value is None:
        return ()
    listed = not isinstance(value, str)
    if listed and not isinstance(value, (list, tuple)):
        report.add("scopes", f"must be a list of scopes or one scope, not {kind_of(value)}")
        return None
    items: Iterable[Any] = value if listed else [value]
    bad = len(report.problems)
    for index, scope in enumerate(items):
        path: tuple[str | int, ...] = ("scopes", index) if listed else ("scopes",)
        if not isinstance(scope, str):
            report.add("scopes", f"a scope must be a string, not {kind_of(scope)}", *path)
        elif scope not in scope_rules.VALID_SCOPES:
            report.add("scopes", f"unknown OAuth scope {shown(scope)}", *path)
    if len(report.problems) > bad:
        return None
    return tuple(scope_rules.unique(items))
