"""Credentials → a principal, or the exact error GHE answered.

Three kinds of endpoint, three rules [GHE_BEHAVIOR: Authentication]:
- user endpoints (/authorizations, /applications/grants): Basic ``login:password`` only,
  then a TOTP code for two-factor users;
- app endpoints (/applications/{client_id}/...): Basic ``client_id:client_secret``, and any
  problem is a plain 404;
- token endpoints (/user): ``token X``, ``Bearer X``, or Basic with a password or token.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import NamedTuple

from werkzeug.datastructures import Headers

from . import redact
from .errors import (
    AuthenticationRequired,
    BadCredentials,
    NotFound,
    PasswordRequired,
    TwoFactorRequired,
)
from .model import Authorization, OAuthApp, User
from .store import Store

# What is read of request headers: werkzeug's Headers or a plain dict alike.
HeaderLookup = Headers | Mapping[str, str]


class Credentials(NamedTuple):
    scheme: str  # "basic" or "token"
    username: str
    secret: str


def credentials(headers: HeaderLookup) -> Credentials | None:
    """Parse the Authorization header; None when absent. A malformed one is bad credentials."""
    value = (headers.get("Authorization", "") or "").strip()
    if not value:
        return None
    scheme, _, rest = value.partition(" ")
    scheme, rest = scheme.lower(), rest.strip()
    if scheme in ("token", "bearer") and rest:
        return Credentials("token", "", rest)
    if scheme == "basic" and rest:
        try:
            decoded = base64.b64decode(rest, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            # ValueError: b64decode refuses a str with non-ASCII characters outright.
            raise BadCredentials() from None
        username, sep, secret = decoded.partition(":")
        if sep:
            return Credentials("basic", username, secret)
    raise BadCredentials()


class Sent(NamedTuple):
    """What a request offers to sign in with, its Authorization header read once."""

    headers: HeaderLookup
    creds: Credentials | None
    # An Authorization header that cannot be read: bad credentials wherever it is checked.
    malformed: bool


def read(headers: HeaderLookup) -> Sent:
    """The request's credentials, parsed once for every check that follows."""
    try:
        return Sent(headers, credentials(headers), malformed=False)
    except BadCredentials:
        return Sent(headers, None, malformed=True)


def _checked(sent: Sent) -> Credentials | None:
    if sent.malformed:
        raise BadCredentials()
    return sent.creds


FAILED = " (failed)"  # marks a call's principal as an attempt that did not sign in


def attempted(store: Store, sent: Sent) -> str | None:
    """Who a request tries to sign in as, for the call journal until sign-in succeeds.

    ``LOGIN (failed)`` for Basic (a token-shaped login masked), ``LOGIN (token ...LAST8,
    failed)`` for a live token, ``token (failed)`` for an unknown one: never a password or a
    whole token (an unknown "token" may be a mistyped password, so none of it is shown).
    None when no credentials were sent or they cannot be read.
    """
    creds = sent.creds
    if creds is None:
        return None
    if creds.scheme == "basic":
        return redact.token_shaped(creds.username or "?") + FAILED
    owner = store.token_owner(creds.secret)
    if owner is None:
        return "token" + FAILED
    user, token = owner
    return f"{user.login} (token ...{token.token_last_eight}, failed)"


def password_user(store: Store, sent: Sent, *, sends_sms: bool = False) -> User:
    """The user of a Basic ``login:password`` request whose second factor (if any) checks out.

    ``sends_sms``: the request may make GHE text a code (POST/PUT to /authorizations).
    """
    creds = _checked(sent)
    if creds is None:
        raise AuthenticationRequired()
    if creds.scheme == "token":
        if store.token_owner(creds.secret) is None:
            # Credentials are checked before the endpoint's rules, as everywhere else: a dead
            # or made-up token is 401, like Basic login:GARBAGE. [decision]
            raise BadCredentials()
        raise PasswordRequired()
    user = store.user(creds.username)
    if user is None:
        # Locked out and counted like a user: the answer never tells whether a login exists.
        store.fail_unknown_login(creds.username)
        raise BadCredentials()
    store.ensure_not_locked(user)
    if not store.check_password(user, creds.secret):
        owner = store.token_owner(creds.secret)
        if owner is not None and owner[0].id == user.id:
            # login:TOKEN is a token, and tokens may not manage tokens. [GHE_BEHAVIOR]
            raise PasswordRequired()
        store.note_failed_login(user)
        # Wrong password: no X-GitHub-OTP header, even for a two-factor user. [rec]
        raise BadCredentials()
    check_second_factor(store, user, sent.headers, sends_sms=sends_sms)
    return user


def check_second_factor(
    store: Store, user: User, headers: HeaderLookup, *, sends_sms: bool = False
) -> None:
    if user.two_factor is None:
        return
    code = headers.get("X-GitHub-OTP", "") or ""
    if code and store.verify_otp(user, code):
        return
    if code:
        # [decision] A wrong code counts like a wrong password: without it, a client holding
        # the password could try every six-digit code. (No code at all is the first step of
        # every two-factor sign-in, and is not counted.)
        store.note_failed_login(user)
    if user.two_factor.type == "sms" and sends_sms:
        # GHE texts a code only when a token would be created. [GHE_BEHAVIOR: doc]
        store.send_sms_code(user)
    raise TwoFactorRequired(user.two_factor.type)


def app_client(store: Store, sent: Sent, client_id: str) -> OAuthApp:
    """The app whose ``client_id:client_secret`` sign the request for its own path; else 404."""
    creds = sent.creds
    if creds is None or creds.scheme != "basic" or creds.username != client_id:
        raise NotFound()
    app = store.authenticate_app(creds.username, creds.secret)
    if app is None:
        raise NotFound()
    return app


def token_user(store: Store, sent: Sent) -> tuple[User, Authorization | None]:
    """The user of a request to a token endpoint, and the token used (None for a password)."""
    creds = _checked(sent)
    if creds is None:
        raise AuthenticationRequired()
    if creds.scheme == "basic":
        user = store.user(creds.username)
        if user is None:
            store.fail_unknown_login(creds.username)
            raise BadCredentials()
        store.ensure_not_locked(user)
        if store.check_password(user, creds.secret):
            check_second_factor(store, user, sent.headers)
            return user, None
        owner = store.token_owner(creds.secret)
        if owner is not None and owner[0].id == user.id:
            return owner
        store.note_failed_login(user)
        raise BadCredentials()
    owner = store.token_owner(creds.secret)
    if owner is None:
        # Revoked, reset or never issued. [GHE_BEHAVIOR: inferred]
        raise BadCredentials()
    return owner


def optional_user(store: Store, sent: Sent) -> tuple[User, Authorization | None] | OAuthApp | None:
    """Credentials sent to an endpoint that needs none (the API root, /meta, unknown paths).

    GHE checked whatever credentials came with any request before routing it, so
    ``curl -u foo:bar .../api/v3`` is 401 Bad credentials and a locked-out login is refused
    there too (the 2.18 docs' "Failed login limit" samples). None: no credentials, anonymous.
    An app's ``client_id:client_secret`` only identifies the app (the docs' "OAuth2
    key/secret"): the app is returned and the request goes on as anonymous.
    """
    creds = _checked(sent)
    if creds is None:
        return None
    if creds.scheme == "basic" and store.user(creds.username) is None:
        app = store.authenticate_app(creds.username, creds.secret)
        if app is not None:
            return app
    return token_user(store, sent)
