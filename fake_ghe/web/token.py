"""``POST /login/oauth/access_token``: the app swaps a code for a token.

The answer's format follows ``Accept``: form-encoded by default, JSON for
``application/json``, XML for ``application/xml``; errors come in the same format.
[docs: Authorizing OAuth Apps, step 2; Troubleshooting OAuth App access token request errors]
"""

from __future__ import annotations

from urllib.parse import urlencode
from xml.sax.saxutils import escape

from flask import Blueprint, Response, json, request

from ..api import context
from ..store.webflow import WebFlowError
from .pages import DOCS

bp = Blueprint("fake_ghe_web_token", __name__)

TOKEN_ERRORS_URI = DOCS + "/troubleshooting-oauth-app-access-token-request-errors/#"


def formatted(fields: dict[str, str]) -> Response:
    accept = request.headers.get("Accept", "")
    if "application/json" in accept:
        body, mimetype = json.dumps(fields, separators=(",", ":")), "application/json"
    elif "xml" in accept:
        inner = "".join(f"<{key}>{escape(value)}</{key}>" for key, value in fields.items())
        body, mimetype = f"<OAuth>{inner}</OAuth>", "application/xml"
    else:
        body, mimetype = urlencode(fields), "application/x-www-form-urlencoded"
    response = Response(body, 200, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/login/oauth/access_token")
def access_token() -> Response:
    # Parameters in the form body or the query string (both were accepted), or a JSON body.
    values = dict(request.values.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            values.update({k: v for k, v in body.items() if isinstance(v, str)})
    try:
        auth = context().store.exchange_code(
            values.get("client_id", ""),
            values.get("client_secret", ""),
            values.get("code", ""),
            values.get("redirect_uri") or None,
        )
    except WebFlowError as error:
        # GitHub answered these with 200 and the error in the body, which is why OAuth
        # libraries look at the body's `error`. [decision, as clients of github.com report]
        return formatted(
            {
                "error": error.error,
                "error_description": error.description,
                "error_uri": TOKEN_ERRORS_URI + error.error.replace("_", "-"),
            }
        )
    # Scopes comma-joined, as in the docs' samples ("scope":"repo,gist").
    return formatted(
        {"access_token": auth.token, "scope": ",".join(auth.scopes), "token_type": "bearer"}
    )
