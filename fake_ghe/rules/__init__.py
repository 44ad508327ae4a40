"""Every rule about seeded users, OAuth apps and authorizations, written once.

Each ``check_*`` takes the fields as given (a mapping: from Python keyword arguments or a
scenario item) and a ``World`` that says what is taken, and returns the normalised values with
*every* problem, each naming its field. The store's seeding verbs raise the first problem;
scenarios report them all, each at its line. So Python and YAML accept exactly the same.
"""

from __future__ import annotations

from .accounts import check_app, check_user
from .common import (
    APP_FIELDS,
    AUTHORIZATION_FIELDS,
    CLIENT_ID,
    LOGIN_RULE,
    MAX_LENGTHS,
    MAX_LOGIN,
    MAX_TEXT,
    SECRET_FIELDS,
    TOKEN,
    TWO_FACTOR_FIELDS,
    USER_FIELDS,
    AppSpec,
    AuthorizationSpec,
    UserSpec,
    World,
    length_problems,
)
from .tokens import check_authorization, fingerprint_problem, note_problem, scopes_problem

__all__ = [
    "APP_FIELDS",
    "AUTHORIZATION_FIELDS",
    "CLIENT_ID",
    "LOGIN_RULE",
    "MAX_LENGTHS",
    "MAX_LOGIN",
    "MAX_TEXT",
    "SECRET_FIELDS",
    "TOKEN",
    "TWO_FACTOR_FIELDS",
    "USER_FIELDS",
    "AppSpec",
    "AuthorizationSpec",
    "UserSpec",
    "World",
    "check_app",
    "check_authorization",
    "check_user",
    "fingerprint_problem",
    "length_problems",
    "note_problem",
    "scopes_problem",
]
