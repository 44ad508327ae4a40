"""``Pipeline``: how every request is answered, before, around and after its view.

``begin`` (the edge's checks, faults, authentication), ``finish`` (GHE's headers, the call
journal) and ``failed`` (an error raised on the way becomes GHE's answer) are written once and
run for every request. Two ways lead through them:

* GHE API requests (under the API prefix) are answered here, without Flask's request context:
  the rule is matched on the Flask app's own URL map (``create_url_adapter``, as Flask does),
  the view is the app's own view function. Flask's per-request machinery (contexts, signals,
  sessions, teardowns) was a third of an API request's time in-process (issue 12), and the API
  uses none of it.
* Everything else (the OAuth web flow's pages, the admin API and state page, paths outside
  the API) goes through Flask, whose hooks and error handlers are these same methods
  (``fake_ghe.app``).

Either way the request's ``Exchange`` (``fake_ghe.exchange``) is made here first, so every
step reads the same one.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import RoutingException

from . import authentication, edge, faults, paths, scopes
from .api import routes
from .config import Config
from .errors import DomainError, NotFound
from .exchange import ANSWERED, Exchange, current, enter, leave
from .faults import Fault
from .http_errors import CREATE_DOCS, GHEError, for_domain_error, rate_limit_headers
from .runtime import Runtime
from .wire import CORS_HEADERS, cors_preflight, json_response

if TYPE_CHECKING:
    from .server import WSGIApp

log = logging.getLogger("fake_ghe")

# The answer to a bug in the fake (never to anything a client sent).
SERVER_ERROR = {"message": "Server Error"}
# GHE's status lines read "401 Unauthorized" (the docs' `curl -i` samples); werkzeug's
# default reason is upper case ("401 UNAUTHORIZED"). Built once: every answer sets one.
STATUS_LINES = {code: f"{code} {reason}" for code, reason in HTTP_STATUS_CODES.items() if reason}


class Pipeline:
    """The steps every request of one app goes through; ``wsgi`` is the app's entry."""

    def __init__(self, app: Flask, runtime: Runtime, config: Config, admin_prefix: str | None):
        self.app, self.fake, self.config = app, runtime, config
        self.admin_prefix = admin_prefix
        self._request_ids = itertools.count(1)
        self._flask: WSGIApp = app.wsgi_app

    # ------------------------------------------------------------------ which paths

    def is_admin(self, path: str) -> bool:
        prefix = self.admin_prefix
        return prefix is not None and (path == prefix or path.startswith(prefix + "/"))

    def is_api(self, path: str) -> bool:
        prefix = self.config.api_prefix
        return (
            path.startswith(prefix)
            and path[len(prefix) : len(prefix) + 1] in ("", "/")
            and not self.is_admin(path)
        )

    # ------------------------------------------------------------------ the entry

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The app's WSGI entry (``app.wsgi_app``): the exchange first, then the API here and
        the rest through Flask."""
        request = self.app.request_class(environ)
        exchange = Exchange(self.app, self.fake, request, next(self._request_ids))
        token = enter(exchange)
        try:
            if self.is_api(request.path):
                response = self._answer(exchange)
                result: Iterable[bytes] = response(environ, start_response)
                return result
            # Flask makes a request object of its own; its before_request hook puts that one
            # in the exchange (fake_ghe.app), since pages read forms through it.
            return self._flask(environ, start_response)
        finally:
            leave(token)

    def _answer(self, exchange: Exchange) -> Response:
        """An API request's response, as Flask's ``full_dispatch_request`` makes one: the
        URL map matched (a failure kept for after ``begin``), then the view, errors handled,
        then ``finish``."""
        req = exchange.request
        try:
            adapter = self.app.create_url_adapter(req)
            try:
                if adapter is not None:
                    rule, args = adapter.match(return_rule=True)
                    # A dict: werkzeug types it as a Mapping (Flask assigns it as is, too).
                    req.url_rule, req.view_args = rule, cast(dict[str, Any], args)
            except HTTPException as error:
                req.routing_exception = error
            response = self.begin(exchange)
            if response is None:
                response = self._view(exchange)
        except Exception as error:
            response = self.failed(error)
        try:
            return self.finish(response)
        except Exception as error:
            # As Flask answers an error raised after the view: a bug, itself finished (and a
            # second failure there only logged).
            response = self.unexpected(error)
            try:
                return self.finish(response)
            except Exception:
                log.exception("fake-ghe failed finishing the answer to an error")
                return response

    def _view(self, exchange: Exchange) -> Response:
        req = exchange.request
        rule, unrouted = req.url_rule, req.routing_exception
        if unrouted is not None or rule is None:
            raise unrouted or NoRoute()
        answer = self.app.view_functions[rule.endpoint](**(req.view_args or {}))
        if not isinstance(answer, Response):
            raise TypeError(f"the view {rule.endpoint} answered {type(answer).__name__}")
        return answer

    # ------------------------------------------------------------------ before the view

    def begin(self, exchange: Exchange) -> Response | None:
        """Checks every request passes before its view; an answer here ends it."""
        fake, req = self.fake, exchange.request
        path = req.path
        if paths.sent_path(req.environ).startswith("//"):
            # werkzeug strips leading slashes before routing ("//api/v3/user" would be
            # /api/v3/user): like a doubled slash further in, it is a path of its own, 404.
            req.url_rule, req.view_args, exchange.route = None, None, None
            req.routing_exception = NoRoute()
        admin_request = self.is_admin(path)
        refused = edge.check(req, fake.config, admin_request)
        if refused is not None:
            return refused
        if admin_request:
            # The admin API and state page control the fake: no GHE auth, and no fault or
            # hook may stand between a user and the endpoint that clears it. Only the guard
            # that keeps other sites and other machines out of it comes first.
            from .admin import guard

            return guard.admit(fake.config)
        fault = fake.faults.take(req.method, path, paths.api_path(path, fake.config.api_prefix))
        if fault is not None:
            answer = _fire(fault, exchange)
            if answer is not None:
                return answer
        route = routes.current_route()
        access = route.access if route is not None else None
        if access is None:
            if not self.is_api(path):
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
        authentication.authenticate(exchange, access, route.args if route else {}, served)
        if req.method == "OPTIONS":
            raise NotFound()
        return None

    # ------------------------------------------------------------------ after the view

    def finish(self, response: Response) -> Response:
        """GHE's headers on every answer, and the call journal's entry."""
        exchange = current()
        req = exchange.request
        line = STATUS_LINES.get(response.status_code)
        if line is not None and line != response.status:  # "200 OK" is werkzeug's too
            response.status = line
        headers = response.headers
        rid = exchange.request_id
        ghe_headers = (
            ("X-GitHub-Media-Type", "github.v3; format=json"),
            ("X-GitHub-Request-Id", f"{rid:04X}:{rid:04X}:{rid:06X}:{rid:07X}:{rid:08X}"),
            ("X-GitHub-Enterprise-Version", self.config.enterprise_version),
        )
        environ = req.environ
        if faults.FAULT_KEY in environ:
            # Only a fault's answer may carry these already (its own headers): replaced in place.
            headers.update(ghe_headers)
        else:
            # No view sets them: appended without a search of the headers for each.
            headers.extend(ghe_headers)
        if exchange.rate_limit:
            headers.update(rate_limit_headers(exchange.rate_limit))
        token = exchange.token_authorization
        if token is not None:
            # Token-authenticated responses carry the token's scopes. [GHE_BEHAVIOR: rec]
            headers["X-OAuth-Scopes"] = scopes.header_value(token.scopes)
            headers["X-Accepted-OAuth-Scopes"] = ""
        if not self.is_admin(req.path):
            # The call journal lists what clients asked of GHE, not the admin.
            if "HTTP_ORIGIN" in environ:  # an Origin header
                # [decision] only for requests from a browser (they carry Origin); GHE sent
                # these on every answer, but nothing else reads them.
                headers.update(CORS_HEADERS)
            self._journal(exchange, response)
        if ANSWERED.receivers:
            ANSWERED.send(self.app, exchange=exchange, response=response)
        return response

    def _journal(self, exchange: Exchange, response: Response) -> None:
        store = self.fake.store
        req = exchange.request
        # A dropped connection answered nothing; 0 says so (the 502 is a placeholder).
        status = 0 if req.environ.get(faults.DISCONNECT_KEY) else response.status_code
        path = paths.redacted_path(exchange)
        with store.lock:
            store.journal.call(
                at=store.clock.now(),
                method=req.method,
                path=path,
                status=status,
                principal=exchange.principal,
            )

    # ------------------------------------------------------------------ errors

    def failed(self, error: Exception) -> Response:
        """The answer to ``error``, raised on the way (Flask's one error handler too): a
        routing exception (a redirect) is its own answer, as Flask makes it."""
        try:
            if isinstance(error, GHEError):
                return self.ghe_error(error)
            if isinstance(error, DomainError):
                return self.domain_error(error)
            if isinstance(error, HTTPException):
                if error.code is None or isinstance(error, RoutingException):
                    environ = current().request.environ
                    answer = self.app.response_class.force_type(error.get_response(environ))
                    return cast(Response, answer)
                return self.http_error(error)
        except Exception as bug:  # a handler that fails is a bug too
            return self.unexpected(bug)
        return self.unexpected(error)

    def ghe_error(self, error: GHEError) -> Response:
        return json_response(error.body(), error.status, error.headers)

    def domain_error(self, error: DomainError) -> Response:
        return self.ghe_error(for_domain_error(error, self._validation_docs()))

    def http_error(self, error: HTTPException) -> Response:
        # An exception outside a view (e.g. in after_request) reaches here wrapped in a 500:
        # it is just as much a bug in the fake.
        original = getattr(error, "original_exception", None)
        if isinstance(original, Exception):
            return self.unexpected(original)
        if error.code == 413:  # a chunked body that ran past the limit while read
            return edge.too_large()
        # Flask's 405 for a method a path lacks: GHE said 404, and clients rely on it.
        if error.code in (404, 405):
            return self.domain_error(NotFound())
        return self.ghe_error(GHEError(error.name, status=error.code or 400))

    def unexpected(self, error: Exception) -> Response:
        # A bug in the fake, never the client's doing: keep it for the test that caused it.
        exchange = current()
        log.exception(
            "fake-ghe failed on %s %s", exchange.request.method, paths.redacted_path(exchange)
        )
        self.fake.errors.append(error)
        return json_response(SERVER_ERROR, 500)

    def _validation_docs(self) -> str:
        """Where the endpoint that answers documents its rules (``documented_at``), for a
        422."""
        view = self.app.view_functions.get(current().request.endpoint or "")
        return getattr(view, "validation_docs", CREATE_DOCS)


def _fire(fault: Fault, exchange: Exchange) -> Response | None:
    """Play an armed fault; None lets the request go on (a delay alone only slows it)."""
    environ = exchange.request.environ
    # Marks the answer as injected, not GHE's own (the test suite's schema check skips it).
    environ[faults.FAULT_KEY] = fault
    if fault.delay and not exchange.runtime.faults.sleep(fault.delay, environ):
        # Cut short (the client's timeout passed, or the fake was reset): no answer at all.
        environ[faults.DISCONNECT_KEY] = True
        return Response(b"", status=502)
    if fault.disconnect:
        environ[faults.DISCONNECT_KEY] = True
        return Response(b"", status=502)
    if fault.status is not None:
        if fault.status in (204, 304):
            response = Response(b"", status=fault.status, headers=fault.headers)
            del response.headers["Content-Type"]
            return response
        return json_response(fault.body, fault.status, fault.headers)
    return None
