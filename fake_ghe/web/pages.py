"""Sign-in, two-factor, consent and sign-out pages, shaped like GitHub's so that browser
automation written against GHE (``#login_field``, ``#password``, ``commit``, ``#otp``,
``#js-oauth-authorize-btn`` posting ``authorize=1``) drives them unchanged."""

from __future__ import annotations

import re

from flask import Blueprint, Response, g, request

from .. import scopes as scope_rules
from ..api import context
from ..errors import LoginLocked, NotFound
from ..model import OAuthApp
from ..store.webflow import WebFlowError
from . import session as web

bp = Blueprint("fake_ghe_web", __name__)

DOCS = "https://developer.github.com/enterprise/2.18/apps/managing-oauth-apps"
AUTHORIZE_ERRORS_URI = DOCS + "/troubleshooting-authorization-request-errors/#"
ACCESS_DENIED = "The user has denied your application access."
BAD_LOGIN = "Incorrect username or password."
LOCKED = "Too many failed sign in attempts. Please try again later."  # [decision] wording


@bp.after_request
def page_headers(response: Response) -> Response:
    response.headers.update(web.PAGE_HEADERS)
    return response


def requested_scopes(value: str) -> list[str]:
    """``scope`` is space-delimited (commas were taken too); scopes GHE did not know are
    dropped rather than failing the page. [docs: "scope"; decision: unknown ones dropped]"""
    names = [name for name in re.split(r"[\s,]+", value) if name]
    unknown = set(scope_rules.invalid(names))
    return scope_rules.unique(name for name in names if name not in unknown)


def error_page(message: str, status: int) -> Response:
    """When there is nowhere safe to redirect (unknown client, no callback): a page."""
    return web.page("web_error.html", status, message=message)


def back_to_app(target: str, params: dict[str, str], state: str | None) -> Response:
    if state is not None:
        params["state"] = state
    return web.go(web.with_query(target, params))


def oauth_error(target: str, error: WebFlowError, state: str | None) -> Response:
    anchor = error.error.replace("_", "-")
    params = {
        "error": error.error,
        "error_description": error.description,
        "error_uri": AUTHORIZE_ERRORS_URI + anchor,
    }
    return back_to_app(target, params, state)


@bp.route("/login/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Response:
    values = request.values
    client_id = values.get("client_id", "")
    redirect_uri = values.get("redirect_uri") or None
    state = values.get("state")
    store = context().store
    try:
        app = store.web_flow_app(client_id)
        target = store.redirect_target(app, redirect_uri)
    except NotFound:
        return error_page("The application could not be found, or has no callback URL.", 404)
    except WebFlowError as error:
        # "GitHub will redirect to the registered callback URL" with the error. [docs]
        assert app.callback_url is not None
        return oauth_error(app.callback_url, error, state)
    if app.suspended:
        suspended = WebFlowError(
            "application_suspended",
            "Your application has been suspended. Contact your site administrator.",
        )
        # To the registered callback, whatever redirect_uri said. [docs]
        return oauth_error(app.callback_url or target, suspended, state)
    _, session = web.current()
    user = web.signed_in(session)
    if user is None:
        return web.go(web.with_query("/login", {"return_to": request.full_path.rstrip("?")}))
    scopes = requested_scopes(values.get("scope", ""))
    if request.method == "POST":
        if not web.form_ok():
            return error_page("The form expired: go back and try again.", 422)
        if values.get("authorize") != "1":
            return back_to_app(
                target,
                {
                    "error": "access_denied",
                    "error_description": ACCESS_DENIED,
                    "error_uri": AUTHORIZE_ERRORS_URI + "access-denied",
                },
                state,
            )
    elif store.needs_consent(user, app, scopes):
        return consent(app, scopes, user.login)
    elif not values.get("scope"):
        # No scope asked by a user who granted some: the flow completes with what they
        # granted. [docs: "scope"]
        scopes = store.authorized_scopes(user, app) or []
    code = store.issue_code(user, app, scopes, redirect_uri)
    return back_to_app(target, {"code": code}, state)


def consent(app: OAuthApp, scopes: list[str], login: str) -> Response:
    fields = {
        key: request.args[key]
        for key in ("client_id", "redirect_uri", "scope", "state")
        if key in request.args
    }
    return web.page("web_authorize.html", app=app, scopes=scopes, login=login, fields=fields)


@bp.get("/login")
def sign_in_page() -> Response:
    _, session = web.current()
    return_to = web.safe_return_to(request.args.get("return_to"))
    login = request.args.get("login", "")
    if "login=" in return_to:
        # The authorization request's `login` suggests the account. [docs: "login"]
        match = re.search(r"[?&]login=([^&]*)", return_to)
        login = login or (match.group(1) if match else "")
    user = web.signed_in(session)
    return web.page("web_login.html", return_to=return_to, login=login, user=user)


@bp.post("/session")
def sign_in() -> Response:
    return_to = web.safe_return_to(request.form.get("return_to"))
    if not web.form_ok():
        return error_page("The form expired: go back and try again.", 422)
    store = context().store
    login = request.form.get("login", "")
    user = store.user(login)
    failure = BAD_LOGIN
    if user is None:
        try:
            # Counted and locked like a user's, so the page never tells which logins exist.
            store.fail_unknown_login(login)
        except LoginLocked:
            failure = LOCKED
    else:
        try:
            store.ensure_not_locked(user)
            if store.check_password(user, request.form.get("password", "")):
                _, session = web.current()
                if user.two_factor is None:
                    session.user_id, session.pending_user_id = user.id, None
                    return web.go(return_to)
                session.user_id, session.pending_user_id = None, user.id
                if user.two_factor.type == "sms":
                    store.send_sms_code(user)
                return web.go(web.with_query("/sessions/two-factor", {"return_to": return_to}))
            store.note_failed_login(user)
        except LoginLocked:
            failure = LOCKED
    page = web.page("web_login.html", 401, return_to=return_to, login=login, error=failure)
    return page


@bp.route("/sessions/two-factor", methods=["GET", "POST"])
def two_factor() -> Response:
    return_to = web.safe_return_to(request.values.get("return_to"))
    store = context().store
    _, session = web.current()
    pending = store.user_by_id(session.pending_user_id) if session.pending_user_id else None
    if pending is None or pending.two_factor is None:
        return web.go(web.with_query("/login", {"return_to": return_to}))
    error = None
    if request.method == "POST":
        if not web.form_ok():
            return error_page("The form expired: go back and try again.", 422)
        try:
            # A login locked meanwhile stays locked, and a wrong code counts like a wrong
            # password, as X-GitHub-OTP does on the API (fake_ghe.auth). [decision]
            store.ensure_not_locked(pending)
            code = request.form.get("otp", "")
            if code and store.verify_otp(pending, code):
                session.user_id, session.pending_user_id = pending.id, None
                return web.go(return_to)
            if code:
                store.note_failed_login(pending)
            error = "Two-factor authentication failed."
        except LoginLocked:
            error = LOCKED
    kind = pending.two_factor.type
    status = 401 if error else 200
    return web.page("web_two_factor.html", status, return_to=return_to, kind=kind, error=error)


@bp.post("/logout")
def sign_out() -> Response:
    if not web.form_ok():
        return error_page("The form expired: go back and try again.", 422)
    session_id, _ = web.current()
    context().store.end_web_session(session_id)
    g.pop("web_session")
    return web.go("/login")
