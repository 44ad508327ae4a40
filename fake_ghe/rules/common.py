"""What every rule shares: the fields, what is taken (World), specs and limits, how a
string field is read, and how problems are reported."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from .. import textrules
from ..describe import kind_of, shown
from ..errors import FieldProblem

USER_FIELDS = ("login", "password", "site_admin", "name", "email", "two_factor")
APP_FIELDS = ("name", "url", "client_id", "client_secret", "callback_url")
AUTHORIZATION_FIELDS = ("user", "app", "scopes", "note", "note_url", "fingerprint", "token")
TWO_FACTOR_FIELDS = ("type", "totp_secret")

# GHE's rule for usernames: ASCII letters, digits and single hyphens, no hyphen first or
# last, at most 39 characters. [GHE_BEHAVIOR: github.com and GHE sign-up form] Nothing else can
# break Basic auth (":"), a URL path ("/", "..") or a log line.
MAX_LOGIN = 39
LOGIN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\Z")
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


class Report:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, field: str, message: str, *path: str | int, code: str = "invalid") -> None:
        self.problems.append(FieldProblem(field, code, message, path or (field,)))


# ---------------------------------------------------------------------------- values


def text_field(
    report: Report,
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


def unknown_keys(report: Report, fields: Mapping[str, Any], known: tuple[str, ...]) -> None:
    for key in fields:
        if key not in known:
            shown_key = key if isinstance(key, str) else shown(key)
            report.add(str(shown_key), f"unknown key; expected one of: {', '.join(known)}")


def listing(names: list[str], what: str) -> str:
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
