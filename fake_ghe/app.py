"""create_app: the one place requests are authenticated and errors become responses."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response, g, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.http import HTTP_STATUS_CODES

from . import auth, edge, faults, redact, scopes
from .api import context, routes, unproxied
from .api.routes import Access, Kind
from .config import Config
from .errors import DomainError, NotFound
from .faults import Fault
from .http_errors import CREATE_DOCS, GHEError, for_domain_error, rate_limit_headers
from .model import Authorization, OAuthApp, User
from .runtime import Runtime
from .store import Store
from .wire import CORS_HEADERS, cors_preflight, json_response

if TYPE_CHECKING:
    # What flask.g is (Flask's API docs list the class under "Application Globals").
    from flask.ctx import _AppCtxGlobals

log = logging.getLogger("fake_ghe")

# The answer to a bug in the fake (never to anything a client sent).
SERVER_ERROR = {"message": "Server Error"}
# GHE's status lines read "401 Unauthorized" (the docs' `curl -i` samples); werkzeug's
# default reason is upper case ("401 UNAUTHORIZED"). Built once: every answer sets one.
STATUS_LINES = {code: f"{code} {reason}" for code, reason in HTTP_STATUS_CODES.items() if reason}


def create_app(runtime: Runtime | Store | None = None, config: Config | None = None) -> Flask:
    """A WSGI app serving one fake GHE: ``runtime``, or a Runtime around a store (a fresh one
    if not given), whose ``reset()`` then empties it."""
    config = config or Config()
    # No app-wide /static route: the state page serves its assets under the admin prefix,
    # so --no-admin leaves nothing but the GHE API.
    app = _Flask("fake_ghe", static_folder=None)
    # A doubled slash is a path of its own, answered as GHE did (JSON, 404 where it is not
    # a route), never werkzeug's HTML redirect to the merged path.
    app.url_map.merge_slashes = False
    fake = Runtime.of(runtime, config)
    app.extensions["fake_ghe"] = fake
    request_ids = itertools.count(1)

    routes.register(app, config.api_prefix)
    # The OAuth web flow's pages at the root, as on GHE (not API routes: no credentials).
    from . import web

    web.register(app)

    admin_prefix: str | None = None
    if config.admin:
        from . import admin

        admin.register(app)
        admin_prefix = admin.PREFIX

    def is_admin(path: str) -> bool:
        return admin_prefix is not None and (
            path == admin_prefix or path.startswith(admin_prefix + "/")
        )

    def is_api(path: str) -> bool:
        rest = path[len(config.api_prefix) :]
        return path.startswith(config.api_prefix) and rest[:1] in ("", "/") and not is_admin(path)

    # Every API view declares its credentials (fake_ghe.api.routes), or there is no app.
    routes.check(app, is_api)

    @app.before_request
    def authenticate() -> Response | None:
        # The request and g once each: every use of Flask's proxies is a lookup of its own.
        req, state = unproxied(request), unproxied(g)
        state.request_id = next(request_ids)
        state.principal = None
        state.rate_limit = None
        path = req.path
        if _sent_path(req.environ).startswith("//"):
            # werkzeug strips leading slashes before routing ("//api/v3/user" would be
            # /api/v3/user): like a doubled slash further in, it is a path of its own, 404.
            req.url_rule, req.view_args, state.route = None, None, None
            req.routing_exception = NoRoute()
        admin_request = is_admin(path)
        refused = edge.check(req, fake.config, admin_request)
        if refused is not None:
            return refused
        if admin_request:
            # The admin API and state page control the fake: no GHE auth, and no fault or
            # hook may stand between a user and the endpoint that clears it. Only the guard
            # that keeps other sites and other machines out of it comes first.
            from .admin import guard

            return guard.admit(fake.config)
        fault = fake.faults.take(req.method, path, _api_path(path, fake.config.api_prefix))
        if fault is not None:
            answer = _fire(fault)
            if answer is not None:
                return answer
        route = routes.current_route()
        access = route.access if route is not None else None
        if access is None:
            if not is_api(path):
                return None
            if route is not None:
                # A view that declares nothing never runs (routes.check refuses one at build).
                raise routes.RouteTableError(f"{route.rule.rule} declares no credentials")
            access = routes.UNROUTED
        if req.method == "OPTIONS" and "Origin" in req.headers:
            # A browser's CORS preflight carries no credentials: answered before auth.
            return cors_preflight()
        # Authentication runs before the method is checked, so an unauthenticated request to
        # a known path gets the auth error, and an unsupported method on it gets 404 only
        # once signed in. [GHE_BEHAVIOR: client]
        served = route is not None and route.served
        _authenticate(fake, req, state, access, route.args if route else {}, served)
        if req.method == "OPTIONS":
            raise NotFound()
        return None

    @app.after_request
    def finish(response: Response) -> Response:
        req, state = unproxied(request), unproxied(g)
        line = STATUS_LINES.get(response.status_code)
        if line is not None and line != response.status:  # "200 OK" is werkzeug's too
            response.status = line
        headers = response.headers
        rid = state.get("request_id", 0)
        ghe_headers = (
            ("X-GitHub-Media-Type", "github.v3; format=json"),
            ("X-GitHub-Request-Id", f"{rid:04X}:{rid:04X}:{rid:06X}:{rid:07X}:{rid:08X}"),
            ("X-GitHub-Enterprise-Version", config.enterprise_version),
        )
        environ = req.environ
        if faults.FAULT_KEY in environ:
            # Only a fault's answer may carry these already (its own headers): replaced in place.
            headers.update(ghe_headers)
        else:
            # No view sets them: appended without a search of the headers for each.
            headers.extend(ghe_headers)
        rate_limit = state.get("rate_limit")
        if rate_limit:
            headers.update(rate_limit_headers(rate_limit))
        token = state.get("token_authorization")
        if token is not None:
            # Token-authenticated responses carry the token's scopes. [GHE_BEHAVIOR: rec]
            headers["X-OAuth-Scopes"] = scopes.header_value(token.scopes)
            headers["X-Accepted-OAuth-Scopes"] = ""
        if is_admin(req.path):
            return response  # the call journal lists what clients asked of GHE, not the admin
        if "HTTP_ORIGIN" in environ:  # an Origin header
            # [decision] only for requests from a browser (they carry Origin); GHE sent these
            # on every answer, but nothing else reads them.
            headers.update(CORS_HEADERS)
        store = fake.store
        # A dropped connection answered nothing; 0 says so (the 502 is a placeholder).
        status = 0 if environ.get(faults.DISCONNECT_KEY) else response.status_code
        path = _redacted_path(req)
        with store.lock:
            store.journal.call(
                at=store.clock.now(),
                method=req.method,
                path=path,
                status=status,
                principal=state.get("principal"),
            )
        return response

    @app.errorhandler(GHEError)
    def ghe_error(error: GHEError) -> Response:
        return json_response(error.body(), error.status, error.headers)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        return ghe_error(for_domain_error(error, _validation_docs(app)))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # An exception outside a view (e.g. in after_request) reaches here wrapped in a 500:
        # it is just as much a bug in the fake.
        original = getattr(error, "original_exception", None)
        if isinstance(original, Exception):
            return unexpected(original)
        if error.code == 413:  # a chunked body that ran past the limit while read
            return edge.too_large()
        # Flask's 405 for a method a path lacks: GHE said 404, and clients rely on it.
        if error.code in (404, 405):
            return domain_error(NotFound())
        return ghe_error(GHEError(error.name, status=error.code or 400))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # A bug in the fake, never the client's doing: keep it for the test that caused it.
        log.exception("fake-ghe failed on %s %s", request.method, redacted_path())
        fake.errors.append(error)
        return json_response(SERVER_ERROR, 500)

    return app


class _Flask(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask asks ``ensure_sync`` of every hook and view on every request, and the answer
    (inspect's code-flag check, about a microsecond each) never changes for a function.
    Flask documents the method as the one to override for how views run. Bounded: a
    function made per request (``after_this_request``) must not grow it without end.
    """

    REMEMBERED = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ensured: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._ensured[func]
        except KeyError:
            ensured = super().ensure_sync(func)
            if len(self._ensured) < self.REMEMBERED:
                self._ensured[func] = ensured
            return ensured
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)


def _validation_docs(app: Flask) -> str:
    """Where the endpoint that answers documents its rules (``documented_at``), for a 422."""
    view = app.view_functions.get(request.endpoint or "")
    return getattr(view, "validation_docs", CREATE_DOCS)


def _api_path(path: str, prefix: str) -> str:
    return path[len(prefix) :] if path.startswith(prefix + "/") else path


def _fire(fault: Fault) -> Response | None:
    """Play an armed fault; None lets the request go on (a delay alone only slows it)."""
    # Marks the answer as injected, not GHE's own (the test suite's schema check skips it).
    request.environ[faults.FAULT_KEY] = fault
    if fault.delay and not context().faults.sleep(fault.delay, request.environ):
        # Cut short (the client's timeout passed, or the fake was reset): no answer at all.
        request.environ[faults.DISCONNECT_KEY] = True
        return Response(b"", status=502)
    if fault.disconnect:
        request.environ[faults.DISCONNECT_KEY] = True
        return Response(b"", status=502)
    if fault.status is not None:
        if fault.status in (204, 304):
            response = Response(b"", status=fault.status, headers=fault.headers)
            del response.headers["Content-Type"]
            return response
        return json_response(fault.body, fault.status, fault.headers)
    return None


def _authenticate(
    fake: Runtime,
    req: Request,
    state: _AppCtxGlobals,
    access: Access,
    args: Mapping[str, Any],
    served: bool,
) -> None:
    """Check the request's credentials as ``access`` says; ``served``: its view will run."""
    store, sent = fake.store, auth.read(_credential_headers(req))
    try:
        _sign_in(store, sent, state, access, args, served)
    except Exception:
        if access.kind is not Kind.APP and state.principal is None:
            # Recorded when sign-in fails (401/403): whose password or code failed. An app's
            # failures are 404s naming the client_id in the path.
            state.principal = auth.attempted(store, sent)
        raise
    # What the view's guard looks for: this request authenticated as its route declares.
    state.access = access


def _sign_in(
    store: Store,
    sent: auth.Sent,
    state: _AppCtxGlobals,
    access: Access,
    args: Mapping[str, Any],
    served: bool,
) -> None:
    """Sign the request in as ``access`` says, setting who it is (``state.principal``)."""
    if access.kind is Kind.PASSWORD:
        # Only a request that would create a token texts a code: POST /authorizations and
        # PUT /authorizations/clients/..., not POST /authorizations/{id} (an update). [decision]
        sends_sms = access.sends_sms and served
        user = auth.password_user(store, sent, sends_sms=sends_sms)
        state.user, state.principal = user, user.login
        state.rate_limit = store.consume_rate_limit(user)
    elif access.kind is Kind.APP:
        client_id = str(args["client_id"])
        state.oauth_app = auth.app_client(store, sent, client_id)
        state.principal = f"app:{client_id}"
    elif access.kind is Kind.TOKEN:
        user, token = auth.token_user(store, sent)
        state.user, state.token_authorization = user, token
        state.principal = _user_principal(user, token)
        state.rate_limit = store.consume_rate_limit(user)
    else:
        # The root, /meta and paths the fake lacks: credentials are optional but, when sent,
        # checked like anywhere else. [docs: failed login limit]
        found = auth.optional_user(store, sent)
        if isinstance(found, OAuthApp):
            state.principal = f"app:{found.client_id}"
        elif found is not None:
            user, token = found
            state.token_authorization = token
            state.principal = _user_principal(user, token)
            state.rate_limit = store.consume_rate_limit(user)


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


def redacted_path() -> str:
    """The request's path and query for the call journal and logs, secrets masked.

    The secrets are the path parameters the matched route declares (fake_ghe.api.routes); a
    path the fake lacks is masked as if the API were served from any of its slashes (a client
    that left out /api/v3 still sends a real token).
    """
    return _redacted_path(unproxied(request))


def _redacted_path(req: Request) -> str:
    route = routes.current_route()
    path = req.path
    if not route:
        # The path as sent: werkzeug's req.path drops extra leading slashes.
        raw = _sent_path(req.environ)
        path = "/" * (len(raw) - len(raw.lstrip("/")) - 1) + path
    shown = routes.masked(route, path) if route else routes.mask_path(path)
    if req.query_string:
        shown += "?" + redact.query(req.query_string.decode("latin-1"))
    return redact.token_shaped(shown)


def _sent_path(environ: Mapping[str, Any]) -> str:
    """The path as the client sent it: werkzeug's server turns a leading "//" into "/" in
    PATH_INFO, but keeps the request target as sent in RAW_URI (as the in-process one does)."""
    raw = environ.get("RAW_URI") or environ.get("PATH_INFO") or ""
    return str(raw).partition("?")[0]
