"""Every rule about seeded users, OAuth apps and authorizations, written once.

Each ``check_*`` takes the fields as given (a mapping: from Python keyword arguments or a
scenario item) and a ``World`` that says what is taken, and returns the normalised values with
*every* problem, each naming its field. The store's seeding verbs raise the first problem;
scenarios report them all, each at its line. So Python and YAML accept exactly the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from . import scopes as scope_rules
from . import textrules, totp
from .describe import kind_of, shown
from .errors import FieldProblem
from .model import PERSONAL_CLIENT_ID, TWO_FACTOR_TYPES, OAuthApp, TwoFactor, User

USER_FIELDS = ("login", "password", "site_admin", "name", "email", "two_factor")
APP_FIELDS = ("name", "url", "client_id", "client_secret", "callback_url")
AUTHORIZATION_FIELDS = ("user", "app", "scopes", "note", "note_url", "fingerprint", "token")
TWO_FACTOR_FIELDS = ("type", "totp_secret")

# GHE's rule for usernames: ASCII letters, digits and single hyphens, no hyphen first or
# last, at most 39 characters. [GHE_BEHAVIOR: github.com and GHE sign-up form] Nothing else can
# break Basic auth (":"), a URL path ("/", "..") or a log line.
MAX_LOGIN = 39
_LOGIN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\Z")
LOGIN_RULE = (
    "may only contain ASCII letters, digits and single hyphens, and cannot begin or end with "
    "a hyphen"
)
# Fields whose value is never repeated in a message, whatever its type: a secret typed
# unquoted in a scenario (password: 9876543210) is still that user's secret.
SECRET_FIELDS = frozenset({"password", "client_secret", "token", "totp_secret"})
# GHE made 20 hex characters; the 2.18 docs' samples use "abcde12345fghij67890". [decision]
CLIENT_ID = re.compile(r"[A-Za-z0-9]{20}\Z")
TOKEN = re.compile(r"[0-9a-f]{40}\Z")  # [GHE_BEHAVIOR: Token]
MAX_TEXT = 1000  # [decision] longer names, notes and URLs are junk in a test fixture


class World(Protocol):
    """What already exists, for uniqueness and references. Each ``*_taken`` answers None when
    free, else where it is taken (``""``, or a phrase such as ``" in the store"``)."""

    def login_taken(self, login: str) -> str | None: ...
    def client_id_taken(self, client_id: str) -> str | None: ...
    def token_taken(self, token: str) -> str | None: ...
    def note_taken(self, login: str, note: str) -> str | None: ...
    def fingerprint_taken(self, login: str, group: str, fingerprint: str) -> str | None: ...
    def personal_count(self, login: str) -> int: ...
    def apps_named(self, name_or_client_id: str) -> list[str]: ...
    def some_logins(self) -> list[str]: ...
    def some_client_ids(self) -> list[str]: ...


@dataclass(frozen=True)
class UserSpec:
    login: str
    password: str
    site_admin: bool
    name: str | None
    email: str | None
    two_factor: str | None  # "app", "sms" or None
    totp_secret: str | None  # None with two_factor: made up by the store


@dataclass(frozen=True)
class AppSpec:
    name: str
    url: str | None
    client_id: str | None  # None: made up by the store
    client_secret: str | None
    callback_url: str | None = None  # the web flow's registered callback


@dataclass(frozen=True)
class AuthorizationSpec:
    login: str
    client_id: str | None  # None: a personal access token
    scopes: tuple[str, ...]
    note: str | None
    note_url: str | None
    fingerprint: str | None
    token: str | None  # None: made up by the store


class _Report:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, field: str, message: str, *path: str | int, code: str = "invalid") -> None:
        self.problems.append(FieldProblem(field, code, message, path or (field,)))


# ---------------------------------------------------------------------------- values


def _text(
    report: _Report,
    fields: Mapping[str, Any],
    name: str,
    *,
    required: bool = False,
    strip: bool = False,
    limit: int | None = MAX_TEXT,
) -> str | None:
    """A string field: None when absent (or null and optional), reporting what is wrong."""
    value = fields.get(name)
    if value is None:
        if required:
            report.add(name, "required key is missing", code="missing_field")
        return None
    if not isinstance(value, str):
        hint = " (quote it)" if isinstance(value, (bool, int, float, date)) else ""
        shown_as = kind_of(value, secret=name in SECRET_FIELDS)
        report.add(name, f"must be a string, not {shown_as}{hint}")
        return None
    try:
        # The rule JSON bodies and scenarios share: a surrogate pair is joined into its
        # character, a lone surrogate is refused (it can never be written out as UTF-8).
        value = textrules.checked_text(value)
        too_long = limit is not None and len(value) > limit
        problem = f"must be at most {limit} characters" if too_long else None
    except textrules.TextRuleError as error:
        problem = str(error)
    if problem is None and required and not value.strip():
        problem = "must not be empty"
    if problem is None and strip and value != value.strip():
        problem = "must not start or end with spaces"
    if problem:
        report.add(name, problem)
        return None
    return value


def _unknown(report: _Report, fields: Mapping[str, Any], known: tuple[str, ...]) -> None:
    for key in fields:
        if key not in known:
            shown_key = key if isinstance(key, str) else shown(key)
            report.add(str(shown_key), f"unknown key; expected one of: {', '.join(known)}")


# ---------------------------------------------------------------------------- users


def check_user(
    fields: Mapping[str, Any], world: World
) -> tuple[UserSpec | None, list[FieldProblem]]:
    report = _Report()
    _unknown(report, fields, USER_FIELDS)
    login = _text(report, fields, "login", required=True)
    if login is not None:
        if len(login) > MAX_LOGIN:
            report.add("login", f"must be at most {MAX_LOGIN} characters")
        elif not _LOGIN.match(login):
            report.add("login", LOGIN_RULE)
        else:
            where = world.login_taken(login)
            if where is not None:
                report.add("login", f"user {login!r} already exists{where}", code="already_exists")
    password = _text(report, fields, "password", required=True)
    site_admin = fields.get("site_admin")
    if site_admin is not None and not isinstance(site_admin, bool):
        report.add("site_admin", f"must be true or false, not {kind_of(site_admin)}")
    name = _text(report, fields, "name")
    email = _text(report, fields, "email")
    kind, secret = _two_factor(report, fields.get("two_factor"))
    if report.problems or login is None or password is None:
        return None, report.problems
    return UserSpec(login, password, bool(site_admin), name, email, kind, secret), []


def _two_factor(report: _Report, value: Any) -> tuple[str | None, str | None]:
    """``app`` / ``sms`` / ``True`` (a made-up secret), a TwoFactor, or a mapping."""
    if value is None or value is False:
        return None, None
    if value is True:
        return "app", None
    if isinstance(value, str):
        if value not in TWO_FACTOR_TYPES:
            # A long string here is most likely the TOTP secret itself, one level too high.
            said = shown(value) if len(value) <= 8 else "a longer string (not repeated)"
            report.add("two_factor", f"must be 'app' or 'sms', not {said}")
            return None, None
        return value, None
    if isinstance(value, TwoFactor):
        value = {"type": value.type, "totp_secret": value.secret}
    if not isinstance(value, Mapping):
        report.add(
            "two_factor",
            f"must be 'app', 'sms' or a mapping with type and totp_secret, not {kind_of(value)}",
        )
        return None, None
    inner = _Report()
    given = dict(value)
    if "secret" in given and "totp_secret" not in given:
        given["totp_secret"] = given.pop("secret")  # the name TwoFactor uses
    _unknown(inner, given, TWO_FACTOR_FIELDS)
    kind = _text(inner, given, "type") or "app"
    if kind not in TWO_FACTOR_TYPES:
        inner.add("type", f"must be 'app' or 'sms', not {shown(kind)}")
    secret = _text(inner, given, "totp_secret")
    unusable = totp.check_secret(secret) if secret is not None else None
    if unusable:
        inner.add("totp_secret", unusable)
    for problem in inner.problems:
        report.add("two_factor", problem.message, "two_factor", *problem.where)
    return kind, secret


# ---------------------------------------------------------------------------- apps


def check_app(fields: Mapping[str, Any], world: World) -> tuple[AppSpec | None, list[FieldProblem]]:
    report = _Report()
    _unknown(report, fields, APP_FIELDS)
    name = _text(report, fields, "name", required=True)
    url = _text(report, fields, "url", strip=True)
    callback_url = _text(report, fields, "callback_url", strip=True)
    for key, value in (("url", url), ("callback_url", callback_url)):
        if value is not None and not re.match(r"https?://[^\s/]", value):
            # A javascript: or data: URL would be a live link on the state page, or a
            # redirect target of the web flow. [decision]
            report.add(key, "must be an http:// or https:// URL")
    client_id = _text(report, fields, "client_id", strip=True)
    if client_id is not None:
        if client_id == PERSONAL_CLIENT_ID:
            report.add("client_id", "is reserved for personal access tokens")
        elif not CLIENT_ID.match(client_id):
            report.add("client_id", "must be 20 letters or digits, like 'abcde12345fghij67890'")
        else:
            where = world.client_id_taken(client_id)
            if where is not None:
                report.add(
                    "client_id",
                    f"an app with client_id {client_id!r} already exists{where}",
                    code="already_exists",
                )
    secret = _text(report, fields, "client_secret", strip=True)
    if secret is not None and not secret:
        report.add("client_secret", "must not be empty")
    if report.problems or name is None:
        return None, report.problems
    return AppSpec(name, url, client_id, secret, callback_url), []


# ---------------------------------------------------------------------------- authorizations


def check_authorization(
    fields: Mapping[str, Any], world: World
) -> tuple[AuthorizationSpec | None, list[FieldProblem]]:
    """A seeded token. A personal token without a note gets the first free ``token N``
    (GHE requires a unique note; a seeding helper should not). [decision]"""
    report = _Report()
    _unknown(report, fields, AUTHORIZATION_FIELDS)
    login = _reference(report, fields.get("user"), "user")
    if login is not None and world.login_taken(login) is None:
        report.add("user", f"no user {login!r}; {_listing(world.some_logins(), 'users')}")
        login = None
    client_id = _app(report, fields.get("app"), world)
    scopes = _scopes(report, fields.get("scopes"))
    # Bounded by the API's length rule, so a seeded token is one the API could have made.
    note = _text(report, fields, "note", limit=None)
    note_url = _text(report, fields, "note_url", limit=None)
    fingerprint = _text(report, fields, "fingerprint", limit=None)
    report.problems.extend(length_problems(note=note, note_url=note_url, fingerprint=fingerprint))
    token = _text(report, fields, "token", strip=True)
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


def _fields(report: _Report) -> set[str]:
    return {problem.field for problem in report.problems}


def _reference(report: _Report, value: Any, field: str) -> str | None:
    """A user given as itself or by login (an app as itself, by client_id or by name)."""
    if isinstance(value, User):
        return value.login
    if isinstance(value, OAuthApp):
        return value.client_id
    return _text(report, {field: value}, field, required=True)


def _app(report: _Report, value: Any, world: World) -> str | None:
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
        known = _listing(world.some_client_ids(), "apps")
        report.add("app", f"no OAuth app with client_id or name {ref!r}; {known}")
    return None


def _scopes(report: _Report, value: Any) -> tuple[str, ...] | None:
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


def _listing(names: list[str], what: str) -> str:
    if not names:
        return f"there are no {what}"
    return f"known {what}: " + ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")


# ---------------------------------------------------------------------------- lengths

# How long an authorization's note, note_url and fingerprint may be, for the API and seeding
# alike. [decision] GHE kept them in Rails `string` columns (VARCHAR(255)) and answered longer
# ones with a length validation; no recording shows the number, 255 is Rails' default.
MAX_LENGTHS = {"note": 255, "note_url": 255, "fingerprint": 255}
# The name GHE gave each in a 422's errors (a personal token's note is its "description").
_ERROR_FIELDS = {"note": "description", "note_url": "note_url", "fingerprint": "fingerprint"}


def length_problems(**values: str | None) -> list[FieldProblem]:
    """Each of ``note``, ``note_url``, ``fingerprint`` that is too long, worded as GitHub
    words length errors: code ``custom``, "FIELD is too long (maximum is N characters)"."""
    problems = []
    for name, value in values.items():
        limit = MAX_LENGTHS[name]
        if value is not None and len(value) > limit:
            field = _ERROR_FIELDS[name]
            message = f"{field} is too long (maximum is {limit} characters)"
            problems.append(FieldProblem(field, "custom", message, (name,)))
    return problems
