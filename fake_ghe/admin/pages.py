"""The state page: the fake's users, apps, grants, tokens and journal, rendered on the server.

``/users/<login>`` mirrors GitHub's "Authorized OAuth Apps" settings screen; its revoke
button is ``DELETE /applications/grants/{id}`` done by that user, through the same store verb,
so the journal records it the same way (cause ``grant_delete``, actor the user).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..api import context
from ..errors import NotFound
from ..model import Grant, User
from . import guard, state

PACKAGE = Path(__file__).resolve().parent.parent
# Newest events shown on the page; the admin API's /events has them all.
EVENTS_SHOWN = 200

bp = Blueprint(
    "fake_ghe_pages",
    __name__,
    template_folder=str(PACKAGE / "templates"),
    static_folder=str(PACKAGE / "static"),
    static_url_path="/static",
)
bp.before_request(guard.same_origin_only)


# [decision] Neither page runs script, and no other page may frame them: a framed Revoke
# button is one click away from a grant deleted by someone else's page (clickjacking).
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": Chromium then sends "Origin: null" with the page's own Revoke form,
    # which the same-origin rule (guard.py) must refuse.
    "Referrer-Policy": "same-origin",
}
LINK_SCHEMES = ("http", "https")


@bp.after_request
def security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.app_template_test("link")
def is_link(value: object) -> bool:
    """Only an http(s) URL becomes a link: a ``javascript:`` or ``data:`` app url would run
    on click with the page's rights. Anything else is shown as text."""
    if not isinstance(value, str):
        return False
    scheme, sep, _ = value.strip().partition(":")
    return bool(sep) and scheme.lower() in LINK_SCHEMES and value == value.strip()


@bp.app_template_filter("last_eight")
def last_eight(value: str) -> str:
    return "…" + value


@bp.get("/")
def overview() -> str:
    fake = context()
    store = fake.store
    with store.lock:
        snap = state.snapshot(fake)
        events = store.journal.events[-EVENTS_SHOWN:]
        total_events = len(store.journal.events)
        dropped_events = store.journal.dropped_events
        dropped_calls = store.journal.dropped_calls
    tokens: dict[str, int] = {}
    apps_of: dict[str, int] = {}
    users_of: dict[str, int] = {}
    for auth in snap["authorizations"]:
        tokens[auth["user"]] = tokens.get(auth["user"], 0) + 1
    for grant in snap["grants"]:
        apps_of[grant["user"]] = apps_of.get(grant["user"], 0) + 1
        users_of[grant["app"]] = users_of.get(grant["app"], 0) + 1
    return render_template(
        "index.html",
        state=snap,
        clock=snap["clock"],
        tokens=tokens,
        apps_of=apps_of,
        users_of=users_of,
        events=[state.event_data(event) for event in reversed(events)],
        total_events=total_events,
        dropped_events=dropped_events,
        dropped_calls=dropped_calls,
    )


@bp.get("/users/<login>")
def user(login: str) -> ResponseReturnValue:
    fake = context()
    store = fake.store
    with store.lock:
        found = store.user(login)
        if found is None:
            return _no_such_user(login)
        logins = {found.id: found.login}
        grants = [grant_view(grant, found) for grant in store.grants() if grant.user_id == found.id]
        personal = [
            state.authorization_data(store, auth, logins)
            for auth in store.authorizations()
            if auth.user_id == found.id and auth.personal
        ]
        flash = _flash()
        return render_template(
            "user.html",
            user=state.user_data(store, found),
            grants=grants,
            personal=personal,
            flash=flash,
            clock=state.clock_data(store),
            form_token=guard.form_token(),
            form_token_field=guard.FORM_TOKEN_FIELD,
        )


def grant_view(grant: Grant, user: User) -> dict[str, Any]:
    store = context().store
    app = store.oauth_app(grant.client_id)
    tokens = [
        auth
        for auth in store.authorizations()
        if auth.user_id == user.id and auth.client_id == grant.client_id
    ]
    data = state.grant_data(store, grant, {user.id: user.login}, [auth.id for auth in tokens])
    data["app_url"] = app.url if app else None
    data["token_last_eights"] = [auth.token_last_eight for auth in tokens]
    return data


def _flash() -> str | None:
    """The outcome of the last revoke, named from the store (never echoed from the URL)."""
    store = context().store
    client_id = request.args.get("revoked")
    if client_id:
        app = store.oauth_app(client_id)
        return f"Revoked access to {app.name}." if app else None
    if request.args.get("gone"):
        return "That application had already been revoked."
    return None


@bp.post("/users/<login>/grants/<int:grant_id>/revoke")
def revoke(login: str, grant_id: int) -> ResponseReturnValue:
    refused = guard.check_form_token()
    if refused is not None:
        return refused
    store = context().store
    with store.lock:
        found = store.user(login)
        if found is None:
            return _no_such_user(login)
        try:
            client_id = store.get_grant(found, grant_id).client_id
            # The same verb as DELETE /applications/grants/{id}, by the same actor.
            store.delete_grant(found, grant_id)
        except NotFound:
            target = url_for(".user", login=found.login, gone=1)
        else:
            target = url_for(".user", login=found.login, revoked=client_id)
    # 303: the browser follows with a GET, so reloading the page does not post again.
    return redirect(target, 303)


def _no_such_user(login: str) -> ResponseReturnValue:
    return render_template("not_found.html", login=login, clock=None), 404
