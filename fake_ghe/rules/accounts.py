"""The rules for users (login, password, two-factor) and OAuth apps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import totp
from ..describe import kind_of, shown
from ..errors import FieldProblem
from ..model import PERSONAL_CLIENT_ID, TWO_FACTOR_TYPES, TwoFactor
from .common import (
    APP_FIELDS,
    CLIENT_ID,
    LOGIN,
    LOGIN_RULE,
    MAX_LOGIN,
    TWO_FACTOR_FIELDS,
    USER_FIELDS,
    AppSpec,
    Report,
    UserSpec,
    World,
    text_field,
    unknown_keys,
)

# ---------------------------------------------------------------------------- users


def check_user(
    fields: Mapping[str, Any], world: World
) -> tuple[UserSpec | None, list[FieldProblem]]:
    report = Report()
    unknown_keys(report, fields, USER_FIELDS)
    login = text_field(report, fields, "login", required=True)
    if login is not None:
        if len(login) > MAX_LOGIN:
            report.add("login", f"must be at most {MAX_LOGIN} characters")
        elif not LOGIN.match(login):
            report.add("login", LOGIN_RULE)
        else:
            where = world.login_taken(login)
            if where is not None:
                report.add("login", f"user {login!r} already exists{where}", code="already_exists")
    password = text_field(report, fields, "password", required=True)
    site_admin = fields.get("site_admin")
    if site_admin is not None and not isinstance(site_admin, bool):
        report.add("site_admin", f"must be true or false, not {kind_of(site_admin)}")
    name = text_field(report, fields, "name")
    email = text_field(report, fields, "email")
    kind, secret = _two_factor(report, fields.get("two_factor"))
    if report.problems or login is None or password is None:
        return None, report.problems
    return UserSpec(login, password, bool(site_admin), name, email, kind, secret), []


def _two_factor(report: Report, value: Any) -> tuple[str | None, str | None]:
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
    inner = Report()
    given = dict(value)
    if "secret" in given and "totp_secret" not in given:
        given["totp_secret"] = given.pop("secret")  # the name TwoFactor uses
    unknown_keys(inner, given, TWO_FACTOR_FIELDS)
    kind = text_field(inner, given, "type") or "app"
    if kind not in TWO_FACTOR_TYPES:
        inner.add("type", f"must be 'app' or 'sms', not {shown(kind)}")
    secret = text_field(inner, given, "totp_secret")
    unusable = totp.check_secret(secret) if secret is not None else None
    if unusable:
        inner.add("totp_secret", unusable)
    for problem in inner.problems:
        report.add("two_factor", problem.message, "two_factor", *problem.where)
    return kind, secret


# ---------------------------------------------------------------------------- apps


def check_app(fields: Mapping[str, Any], world: World) -> tuple[AppSpec | None, list[FieldProblem]]:
    report = Report()
    unknown_keys(report, fields, APP_FIELDS)
    name = text_field(report, fields, "name", required=True)
    url = text_field(report, fields, "url", strip=True)
    callback_url = text_field(report, fields, "callback_url", strip=True)
    for key, value in (("url", url), ("callback_url", callback_url)):
        if value is not None and not re.match(r"https?://[^\s/]", value):
            # A javascript: or data: URL would be a live link on the state page, or a
            # redirect target of the web flow. [decision]
            report.add(key, "must be an http:// or https:// URL")
    client_id = text_field(report, fields, "client_id", strip=True)
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
    secret = text_field(report, fields, "client_secret", strip=True)
    if secret is not None and not secret:
        report.add("client_secret", "must not be empty")
    if report.problems or name is None:
        return None, report.problems
    return AppSpec(name, url, client_id, secret, callback_url), []
