"""Authenticating a request as its route declares (``fake_ghe.api.routes``): who it is, and
who it tried to be when that fails."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request
from werkzeug.datastructures import Headers

from . import auth
from .api.routes import Access, Kind
from .exchange import Exchange
from .model import Authorization, OAuthApp, User
from .store import Store


def authenticate(exchange: Exchange, access: Access, args: Mapping[str, Any], served: bool) -> None:
    """Check the request's credentials as ``access`` says; ``served``: its view will run."""
    store = exchange.runtime.store
    sent = auth.read(_credential_headers(exchange.request))
    try:
        _sign_in(store, sent, exchange, access, args, served)
    except Exception:
        if access.kind is not Kind.APP and exchange.principal is None:
            # Recorded when sign-in fails (401/403): whose password or code failed. An app's
            # failures are 404s naming the client_id in the path.
            exchange.principal = auth.attempted(store, sent)
        raise
    # What the view's guard looks for: this request authenticated as its route declares.
    exchange.access = access


def _sign_in(
    store: Store,
    sent: auth.Sent,
    exchange: Exchange,
    access: Access,
    args: Mapping[str, Any],
    served: bool,
) -> None:
    """Sign the request in as ``access`` says, setting who it is (``exchange.principal``)."""
    if access.kind is Kind.PASSWORD:
        # Only a request that would create a token texts a code: POST /authorizations and
        # PUT /authorizations/clients/..., not POST /authorizations/{id} (an update). [decision]
        sends_sms = access.sends_sms and served
        user = auth.password_user(store, sent, sends_sms=sends_sms)
        exchange.user, exchange.principal = user, user.login
        exchange.rate_limit = store.consume_rate_limit(user)
    elif access.kind is Kind.APP:
        client_id = str(args["client_id"])
        exchange.oauth_app = auth.app_client(store, sent, client_id)
        exchange.principal = f"app:{client_id}"
    elif access.kind is Kind.TOKEN:
        user, token = auth.token_user(store, sent)
        exchange.user, exchange.token_authorization = user, token
        exchange.principal = _user_principal(user, token)
        exchange.rate_limit = store.consume_rate_limit(user)
    else:
        # The root, /meta and paths the fake lacks: credentials are optional but, when sent,
        # checked like anywhere else. [docs: failed login limit]
        found = auth.optional_user(store, sent)
        if isinstance(found, OAuthApp):
            exchange.principal = f"app:{found.client_id}"
        elif found is not None:
            user, token = found
            exchange.token_authorization = token
            exchange.principal = _user_principal(user, token)
            exchange.rate_limit = store.consume_rate_limit(user)


def _credential_headers(req: Request) -> Headers:
    """The request's headers, with a token sent as ``?access_token=X`` moved into them.

    GHE 2.18 still took an OAuth token as a query parameter (GitHub deprecated that in
    late 2019, after 2.18); old clients send it so, e.g. node-github's ``type: "oauth"``. It
    then counts exactly as ``Authorization: token X``. [decision] An Authorization header,
    when sent too, wins.
    """
    # Without a query there is nothing to parse (and ``args.get`` of a missing key costs an
    # exception raised and caught inside werkzeug).
    token = req.args.get("access_token", "") if req.query_string else ""
    if not token or "Authorization" in req.headers:
        return req.headers
    headers = Headers(req.headers)
    headers["Authorization"] = f"token {token}"
    return headers


def _user_principal(user: User, token: Authorization | None) -> str:
    return f"{user.login} (token ...{token.token_last_eight})" if token else user.login
