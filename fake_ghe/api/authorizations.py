"""/authorizations: a user manages their own tokens (Basic login:password only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..http_errors import UPDATE_DOCS, documented_at
from ..model import Authorization
from ..wire import cached_json, empty_response, json_body, json_response, page_params
from . import current_request, current_user, routes, store
from .params import MISSING, scope_list, text, text_or_none
from .render import paginated, serialize, serialize_all

bp = Blueprint("authorizations", __name__)


def created(auth: Authorization) -> Response:
    body = serialize(auth, with_token=True)
    return json_response(body, 201, {"Location": body["url"]})


@bp.get("/authorizations")
@routes.password()
def list_authorizations() -> Response:
    page, per_page = page_params(current_request())
    st = store()
    with st.lock:
        found, total = st.list_authorizations(current_user(), page, per_page)
        items = serialize_all(found)
    return paginated("/authorizations", items.data, page, per_page, total, items.etag)


@bp.post("/authorizations")
@routes.password(sends_sms=True)
def create_authorization() -> Response:
    body = json_body(current_request())
    scopes = scope_list(body, "scopes")
    fields = {
        "client_id": text_or_none(body, "client_id"),
        "client_secret": text_or_none(body, "client_secret"),
        "scopes": [] if scopes is MISSING else scopes,
        "note": text_or_none(body, "note"),
        # A note_url of "" is kept and echoed: github3.py and hub4j send "" by default and
        # GitHub answered "" (app.url falls back to the docs). [GHE_BEHAVIOR: rec g3py, hub4j]
        "note_url": text_or_none(body, "note_url"),
        "fingerprint": text_or_none(body, "fingerprint") or None,
    }
    with store().lock:
        return created(store().create_authorization(current_user(), **fields))


@bp.put("/authorizations/clients/<client_id>")
@bp.put("/authorizations/clients/<client_id>/<fingerprint>")
@routes.password(sends_sms=True)
def get_or_create_authorization(client_id: str, fingerprint: str | None = None) -> Response:
    body = json_body(current_request())
    if fingerprint is None:
        fingerprint = text_or_none(body, "fingerprint") or None
    scopes = scope_list(body, "scopes")
    with store().lock:
        auth, is_new = store().get_or_create_authorization(
            current_user(),
            client_id,
            client_secret=text_or_none(body, "client_secret"),
            fingerprint=fingerprint,
            scopes=[] if scopes is MISSING else scopes,
            note=text_or_none(body, "note"),
            note_url=text_or_none(body, "note_url"),
        )
        if is_new:
            return created(auth)
        # An existing token comes back unchanged, without its value. [GHE_BEHAVIOR: rec]
        return json_response(serialize(auth))


@bp.get("/authorizations/<int:authorization_id>")
@routes.password()
def get_authorization(authorization_id: int) -> Response:
    with store().lock:
        auth = store().get_authorization(current_user(), authorization_id)
        return cached_json(serialize(auth), last_modified=auth.updated_at)


# github3.py updates with POST; GHE took it as PATCH. [GHE_BEHAVIOR: rec]
@bp.route("/authorizations/<int:authorization_id>", methods=["PATCH", "POST"])
@routes.password()
@documented_at(UPDATE_DOCS)
def update_authorization(authorization_id: int) -> Response:
    # [decision] The resource is looked up before the body is read, as GHE's handlers found
    # the record first: a missing (or another user's) id is 404 whatever the body holds.
    store().get_authorization(current_user(), authorization_id)
    body = json_body(current_request())
    changes = {
        name: value
        for name, value in (
            ("scopes", scope_list(body, "scopes")),
            ("add_scopes", scope_list(body, "add_scopes")),
            ("remove_scopes", scope_list(body, "remove_scopes")),
            ("note", text(body, "note")),
            ("note_url", text(body, "note_url")),
            ("fingerprint", _blank_to_none(text(body, "fingerprint"))),
        )
        if value is not MISSING
    }
    # `rm_scopes` (a legacy github3.py key) and other unknown keys are ignored. [rec]
    with store().lock:
        auth = store().update_authorization(current_user(), authorization_id, **changes)
        return json_response(serialize(auth))


@bp.delete("/authorizations/<int:authorization_id>")
@routes.password()
def delete_authorization(authorization_id: int) -> Response:
    store().delete_authorization(current_user(), authorization_id)
    return empty_response()


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value
