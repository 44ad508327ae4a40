"""The one route table: which credentials each GHE view takes, declared with the view.

Flask's URL map says which view a request reaches; the view's declaration (set by the
decorators below) says how the request must authenticate and which path parameters are
secrets. ``fake_ghe.pipeline`` authenticates from it before routing goes on, and the call
journal, the request log and ``fake_ghe.redact`` mask from it, so the three cannot drift.

    @bp.get("/applications/<client_id>/tokens/<access_token>")
    @routes.app_client(secrets=["access_token"])
    def check_token(client_id: str, access_token: str) -> Response: ...

The declaration goes below the route decorators: they register the function they are given.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, ParamSpec, Protocol
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, Request, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter, MapAdapter, RequestRedirect, Rule, ValidationError

from ..errors import FakeGHEError, NotFound
from ..exchange import UNSET, current
from ..redact import mask

P = ParamSpec("P")
# The attribute of a view function that holds its Access.
ATTRIBUTE = "fake_ghe_access"


class Kind(enum.Enum):
    """The credentials a view takes. [GHE_BEHAVIOR: Authentication]"""

    PASSWORD = "password"  # Basic login:password only, then a TOTP code for two-factor users
    APP = "app"  # Basic client_id:client_secret of the path's client_id; anything wrong is 404
    TOKEN = "token"  # token X, Bearer X, or Basic with a password or a token
    OPTIONAL = "optional"  # none needed; any sent are still checked


@dataclass(frozen=True)
class Access:
    """One view's declaration."""

    kind: Kind
    # The request may make GHE text a code to an SMS two-factor user (it may create a token).
    sends_sms: bool = False
    # Path parameters never shown whole: journal, logs, messages. [decision]
    secrets: frozenset[str] = frozenset()


# Paths the fake lacks: credentials optional (the root and /meta declare the same).
UNROUTED = Access(Kind.OPTIONAL)


class RouteTableError(FakeGHEError, RuntimeError):
    """A view could run without the authentication it should take: a bug in the fake."""


class Declaration(Protocol):
    """A decorator that declares a view's credentials."""

    def __call__(self, view: Callable[P, Response], /) -> Callable[P, Response]: ...


def password(*, sends_sms: bool = False) -> Declaration:
    return _declare(Access(Kind.PASSWORD, sends_sms=sends_sms))


def app_client(*, secrets: Iterable[str] = ()) -> Declaration:
    return _declare(Access(Kind.APP, secrets=frozenset(secrets)))


def token() -> Declaration:
    return _declare(Access(Kind.TOKEN))


def optional() -> Declaration:
    return _declare(Access(Kind.OPTIONAL))


def _declare(access: Access) -> Declaration:
    def decorate(view: Callable[P, Response]) -> Callable[P, Response]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> Response:
            # The last line of defence: whatever skipped fake_ghe.pipeline's authentication,
            # the view does not run without the credentials it declares.
            if current().access is not access:
                raise RouteTableError(f"{view.__name__} reached without authentication")
            return view(*args, **kwargs)

        setattr(guarded, ATTRIBUTE, access)
        return guarded

    return decorate


def access_of(app: Flask, rule: Rule) -> Access | None:
    access = getattr(app.view_functions.get(rule.endpoint), ATTRIBUTE, None)
    return access if isinstance(access, Access) else None


# GHE authenticated every path under /authorizations and /applications/grants before routing
# it, so an unknown sub-path or method there is 401 signed out and 404 signed in, like a known
# path's unknown method. [GHE_BEHAVIOR: client]
unknown = Blueprint("unknown", __name__)
_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@unknown.route("/authorizations/", methods=_ANY_METHOD, strict_slashes=False)
@unknown.route("/authorizations/<path:rest>", methods=_ANY_METHOD)
@unknown.route("/applications/grants/", methods=_ANY_METHOD, strict_slashes=False)
@unknown.route("/applications/grants/<rest>", methods=_ANY_METHOD)
@password()
def not_found(rest: str = "") -> Response:
    raise NotFound()


class _Integer(IntegerConverter):
    """werkzeug's ``int``, but a number ``int()`` refuses is no match (a 404), not a crash."""

    def to_python(self, value: str) -> Any:
        try:
            return super().to_python(value)
        except ValueError:
            # CPython's guard against 4,301+ digit strings; no id is that long.
            raise ValidationError() from None


def register(app: Flask, prefix: str) -> None:
    """Serve the GHE API under ``prefix``."""
    from . import applications, authorizations, grants, users

    # Before any rule is added: rules look their converters up as they are added.
    app.url_map.converters["int"] = _Integer
    for blueprint in (authorizations.bp, grants.bp, applications.bp, users.bp, unknown):
        app.register_blueprint(blueprint, url_prefix=prefix)


def check(app: Flask, is_api: Callable[[str], bool]) -> None:
    """Refuse an app with an API view that declares no credentials, or declares them wrong.

    Rules of one path must agree on credentials too: a method the path lacks authenticates
    as the path, so no request can meet a disagreement at run time.
    """
    by_path: dict[str, set[tuple[Kind, frozenset[str]] | None]] = {}
    for rule in app.url_map.iter_rules():
        by_path.setdefault(rule.rule, set()).add(_credentials(access_of(app, rule)))
    for path, kinds in by_path.items():
        if len(kinds) > 1:
            raise RouteTableError(f"the rules of {path} declare different credentials")
    for rule in app.url_map.iter_rules():
        access = access_of(app, rule)
        if access is None:
            if is_api(rule.rule):
                raise RouteTableError(
                    f"{rule.rule} ({rule.endpoint}) declares no credentials: decorate the view "
                    "with fake_ghe.api.routes.password/app_client/token/optional"
                )
            continue
        if not is_api(rule.rule):
            raise RouteTableError(f"{rule.rule} ({rule.endpoint}) is outside the API")
        if access.kind is Kind.APP and "client_id" not in rule.arguments:
            raise RouteTableError(f"{rule.rule} ({rule.endpoint}) takes an app but no client_id")
        if not access.secrets <= rule.arguments:
            raise RouteTableError(
                f"{rule.rule} ({rule.endpoint}) has no parameter {set(access.secrets)}"
            )


class Route(NamedTuple):
    """Where a request goes: the rule, its arguments, the rule's declaration."""

    rule: Rule
    args: Mapping[str, Any]
    access: Access | None
    # False: the path is known but this request does not reach its view (the method is
    # lacking, OPTIONS, or a redirect to a cleaner path), so it can create nothing.
    served: bool


def current_route() -> Route | None:
    """The route of the request being answered; None for a path the fake lacks."""
    exchange = current()
    route = exchange.route
    if route is UNSET:
        route = exchange.route = _current_route(exchange.app, exchange.request)
    return route


def _current_route(app: Flask, req: Request) -> Route | None:
    if req.url_rule is not None:
        rule, args = req.url_rule, req.view_args or {}
        return Route(rule, args, access_of(app, rule), req.method != "OPTIONS")
    adapter = app.create_url_adapter(req)
    if adapter is None:
        return None
    return _retry(app, adapter, req.routing_exception, None, req.method)


def resolve(app: Flask, adapter: MapAdapter, path: str, method: str) -> Route | None:
    """Where ``method path`` goes on ``adapter`` (outside a request); None if nowhere."""
    try:
        rule, args = adapter.match(path, method, return_rule=True)
    except HTTPException as error:
        return _retry(app, adapter, error, path, method)
    return Route(rule, args, access_of(app, rule), method != "OPTIONS")


def _retry(
    app: Flask, adapter: MapAdapter, error: object, path: str | None, method: str
) -> Route | None:
    """The declared route of a path whose match failed with ``error``; None for no path."""
    found: list[Route] = []
    if isinstance(error, MethodNotAllowed):
        # werkzeug's 405 lists the methods the path has: any of them finds the path's rules.
        for other in sorted(error.valid_methods or ()):
            match = _match(adapter, path, other)
            if match is not None:
                found.append(Route(*match, access_of(app, match[0]), served=False))
    elif isinstance(error, RequestRedirect):
        match = _redirected(adapter, error, method)
        if match is not None:
            found.append(Route(*match, access_of(app, match[0]), served=False))
    if not found:
        return None
    if len({_credentials(route.access) for route in found}) > 1:
        # Rules sharing a path disagree on credentials: refuse rather than guess.
        return found[0]._replace(access=None)
    return found[0]


def _match(adapter: MapAdapter, path: str | None, method: str) -> tuple[Rule, Any] | None:
    try:
        rule, args = adapter.match(path, method, return_rule=True)
    except RequestRedirect as moved:
        return _redirected(adapter, moved, method)
    except HTTPException:
        return None
    return rule, args


def _redirected(
    adapter: MapAdapter, moved: RequestRedirect, method: str
) -> tuple[Rule, Any] | None:
    """The rule a doubled or missing slash is sent on to: the request authenticates as it."""
    target = unquote(urlsplit(moved.new_url).path)
    script = adapter.script_name.rstrip("/")
    try:
        rule, args = adapter.match(target[len(script) :], method, return_rule=True)
    except HTTPException:
        return None
    return rule, args


def _credentials(access: Access | None) -> tuple[Kind, frozenset[str]] | None:
    # What must agree between rules of one path (a request no view serves texts nothing).
    return None if access is None else (access.kind, access.secrets)


def masked(route: Route | None, path: str) -> str:
    """``path`` with every segment that holds one of the route's secret arguments masked."""
    return _mask_segments(path, _secrets(route))


def _secrets(route: Route | None) -> set[str]:
    if route is None or route.access is None:
        return set()
    return {str(route.args[name]) for name in route.access.secrets if name in route.args}


def _mask_segments(path: str, secrets: set[str]) -> str:
    # By value, not by position: a redirected path ("tokens//x") has its own segments.
    if not secrets:
        return path
    return "/".join(mask(part) if part in secrets else part for part in path.split("/"))


# Where _table serves the API (the root's rule is the prefix itself, so it cannot be "").
_TABLE_PREFIX = "/api"


@functools.cache
def _table() -> tuple[Flask, MapAdapter]:
    """The API's routes in an app of their own, for paths outside any request."""
    app = Flask("fake_ghe.routes", static_folder=None)
    register(app, _TABLE_PREFIX)
    return app, app.url_map.bind("localhost")


def mask_path(path: str) -> str:
    """``path`` with its secrets masked, whatever prefix the API is served under."""
    app, adapter = _table()
    # Any suffix may be the API path (a fake's prefix is its own): mask what any of them holds.
    secrets: set[str] = set()
    for start, char in enumerate(path):
        if char == "/":
            route = resolve(app, adapter, _TABLE_PREFIX + path[start:], "GET")
            secrets |= _secrets(route)
    return _mask_segments(path, secrets)
