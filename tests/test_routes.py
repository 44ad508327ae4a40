"""The one route table (fake_ghe.api.routes): every API view declares its credentials, no request
reaches a view without them, odd paths never crash, and secrets in paths stay masked."""

from __future__ import annotations

import base64
import functools
import io
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Blueprint, Flask, Response

from fake_ghe import Config, Store, create_app, redact
from fake_ghe.api import routes
from fake_ghe.api.routes import Kind
from fake_ghe.cli import _log_requests
from fake_ghe.config import API_PREFIX

from .conftest import (
    APP,
    APP_CLIENT_ID,
    BAD_CREDENTIALS,
    BASIC_ONLY,
    HUBOT,
    MONALISA,
    NOT_FOUND,
    OCTOCAT,
    OTHER_APP,
    OTP_REQUIRED,
    REQUIRES_AUTH,
)

ORIGIN = "https://ghe.example.com"


def basic(login: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{secret}".encode()).decode()}


def api_rules(app: Flask) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX)]


# Built once at collection: the URL map of a default app is the list of what to test.
TABLE = create_app()
RULES = {f"{rule.rule} -> {rule.endpoint}": rule for rule in api_rules(TABLE)}
# Every method a rule takes, plus one it cannot (answered 404 only after authentication).
RULE_METHODS = [
    pytest.param(rule, method, id=f"{method} {name}")
    for name, rule in RULES.items()
    for method in [*sorted(rule.methods or ()), "FROB"]
]
VARIABLE = re.compile(r"<(?:([a-z]+):)?(\w+)>")


def fill(rule: Any, values: dict[str, str]) -> str:
    """The rule's path with its variables set, below the API prefix."""

    def value(match: re.Match[str]) -> str:
        # A <path:...> catch-all gets two segments unless the test sets it.
        default = "x/y" if match[1] == "path" else "x"
        return values.get(match[2], default)

    return VARIABLE.sub(value, rule.rule)[len(API_PREFIX) :]


def kind(rule: Any) -> Kind:
    access = routes.access_of(TABLE, rule)
    assert access is not None
    return access.kind


@pytest.fixture
def seeded(store: Store) -> dict[str, str]:
    """Path values that name real things: a token of the app (and so a grant), id 1."""
    auth = store.add_authorization("octocat", APP_CLIENT_ID)
    assert auth.id == 1
    return {
        "client_id": APP_CLIENT_ID,
        "access_token": auth.token,
        "authorization_id": "1",
        "grant_id": "1",
        "fingerprint": "fp",
    }


class Spy:
    """Counts the calls that reach each view of an app."""

    def __init__(self, app: Flask) -> None:
        self.reached: list[str] = []
        for endpoint, view in list(app.view_functions.items()):
            # functools.wraps copies the declaration: the spy is the same route to the app.
            app.view_functions[endpoint] = functools.wraps(view)(self._counting(endpoint, view))

    def _counting(self, endpoint: str, view: Callable[..., Response]) -> Callable[..., Response]:
        def spy(*args: Any, **kwargs: Any) -> Response:
            self.reached.append(endpoint)
            return view(*args, **kwargs)

        return spy


def send(app: Flask, method: str, path: str, headers: dict[str, str]) -> Any:
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    return app.test_client().open(
        API_PREFIX + path, method=method, headers=headers, data=body, base_url=ORIGIN
    )


# ------------------------------------------------------------------ every view declares


def test_every_api_rule_declares_its_credentials() -> None:
    assert len(RULES) >= 20
    for rule in RULES.values():
        access = routes.access_of(TABLE, rule)
        assert access is not None, rule
        # What the regexes used to say, now read from the declarations.
        if rule.rule.startswith(f"{API_PREFIX}/applications/<client_id>"):
            assert (access.kind, access.secrets) == (Kind.APP, {"access_token"}), rule
        elif rule.rule.startswith((f"{API_PREFIX}/authorizations", f"{API_PREFIX}/applications")):
            assert access.kind is Kind.PASSWORD, rule
        elif rule.rule in (f"{API_PREFIX}/user", f"{API_PREFIX}/user/emails"):
            assert access.kind is Kind.TOKEN, rule
        else:
            assert access.kind is Kind.OPTIONAL, rule
    sms = {rule.endpoint for rule in RULES.values() if routes.access_of(TABLE, rule).sends_sms}
    assert sms == {
        "authorizations.create_authorization",
        "authorizations.get_or_create_authorization",
    }


def test_a_view_without_a_declaration_makes_create_app_raise(monkeypatch) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)
    extra.add_url_rule("/user", view_func=users.authenticated_user)

    @extra.get("/undeclared")
    def undeclared() -> Response:
        return Response("leak")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="undeclared"):
        create_app()


def test_a_declaration_above_the_route_decorator_makes_create_app_raise(monkeypatch) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)

    @routes.token()
    @extra.get("/user")  # registers the undeclared function
    def wrong_order() -> Response:
        return Response("leak")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="declares no credentials"):
        create_app()


def test_rules_of_one_path_that_disagree_on_credentials_make_create_app_raise(
    monkeypatch,
) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)

    @extra.get("/user")
    @routes.token()
    def read() -> Response:
        return Response("read")

    @extra.delete("/user")
    @routes.password()
    def remove() -> Response:
        return Response("remove")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="declare different credentials"):
        create_app()


def test_a_view_added_after_create_app_without_a_declaration_never_runs(flask_app) -> None:
    reached: list[bool] = []

    def late() -> Response:
        reached.append(True)
        return Response("leak")

    flask_app.add_url_rule(API_PREFIX + "/late", view_func=late)
    answer = send(flask_app, "GET", "/late", {})
    assert answer.status_code == 500
    assert reached == []
    [error] = flask_app.extensions["fake_ghe"].errors
    assert isinstance(error, routes.RouteTableError)


def test_a_declared_view_refuses_to_run_if_authentication_was_skipped(flask_app, seeded) -> None:
    # Whatever bypasses the before_request hook, the view's own guard refuses.
    flask_app.before_request_funcs[None] = []
    spy = Spy(flask_app)
    answer = send(flask_app, "GET", "/user", {})
    assert answer.status_code == 500
    assert spy.reached == ["users.authenticated_user"]  # reached the guard, not the body
    [error] = flask_app.extensions["fake_ghe"].errors
    assert isinstance(error, routes.RouteTableError)


# ------------------------------------------------------------------ no view without its credentials


def credentials(token: str) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "wrong password": basic(OCTOCAT[0], "wrong"),
        "unknown login": basic("nobody", "x"),
        "malformed": {"Authorization": "Basic !!!"},
        "two-factor, no code": basic(*HUBOT),
        "password": basic(*OCTOCAT),
        "token": {"Authorization": f"token {token}"},
        "login:token": basic(OCTOCAT[0], token),
        "dead token": {"Authorization": "Bearer 0123456789abcdef"},
        "app": basic(*APP),
        "other app": basic(*OTHER_APP),
        "app, wrong secret": basic(APP_CLIENT_ID, "wrong"),
    }


CREDENTIAL_NAMES = list(credentials("token"))
# What each kind of route answers to credentials it does not take. [GHE_BEHAVIOR: Authentication]
REFUSED: dict[Kind, dict[str, tuple[int, dict[str, str]]]] = {
    Kind.PASSWORD: {
        "none": (401, REQUIRES_AUTH),
        "wrong password": (401, BAD_CREDENTIALS),
        "unknown login": (401, BAD_CREDENTIALS),
        "malformed": (401, BAD_CREDENTIALS),
        "two-factor, no code": (401, OTP_REQUIRED),
        "token": (403, BASIC_ONLY),
        "login:token": (403, BASIC_ONLY),
        "dead token": (401, BAD_CREDENTIALS),
        "app": (401, BAD_CREDENTIALS),
        "other app": (401, BAD_CREDENTIALS),
        "app, wrong secret": (401, BAD_CREDENTIALS),
    },
    # Anything but the app's own client_id:client_secret. [GHE_BEHAVIOR: rec]
    Kind.APP: {name: (404, NOT_FOUND) for name in CREDENTIAL_NAMES if name != "app"},
    Kind.TOKEN: {
        "none": (401, REQUIRES_AUTH),
        "wrong password": (401, BAD_CREDENTIALS),
        "unknown login": (401, BAD_CREDENTIALS),
        "malformed": (401, BAD_CREDENTIALS),
        "two-factor, no code": (401, OTP_REQUIRED),
        "dead token": (401, BAD_CREDENTIALS),
        "app": (401, BAD_CREDENTIALS),
        "other app": (401, BAD_CREDENTIALS),
        "app, wrong secret": (401, BAD_CREDENTIALS),
    },
    Kind.OPTIONAL: {
        "wrong password": (401, BAD_CREDENTIALS),
        "unknown login": (401, BAD_CREDENTIALS),
        "malformed": (401, BAD_CREDENTIALS),
        "two-factor, no code": (401, OTP_REQUIRED),
        "dead token": (401, BAD_CREDENTIALS),
        "app, wrong secret": (401, BAD_CREDENTIALS),
    },
}
ACCEPTED = {
    Kind.PASSWORD: ["password"],
    Kind.APP: ["app"],
    Kind.TOKEN: ["password", "token", "login:token"],
    Kind.OPTIONAL: ["none", "password", "token", "login:token", "app", "other app"],
}


@pytest.mark.parametrize(("rule", "method"), RULE_METHODS)
def test_no_request_reaches_a_view_without_its_credentials(flask_app, seeded, rule, method):
    spy = Spy(flask_app)
    path, sent = fill(rule, seeded), credentials(seeded["access_token"])
    assert set(REFUSED[kind(rule)]) | set(ACCEPTED[kind(rule)]) == set(sent)
    for name, (status, body) in REFUSED[kind(rule)].items():
        answer = send(flask_app, method, path, sent[name])
        assert (name, answer.status_code) == (name, status)
        if method != "HEAD":
            assert (name, answer.get_json()) == (name, body)
        assert spy.reached == [], name
    # And the credentials it takes do reach it, for a method it serves.
    for name in ACCEPTED[kind(rule)]:
        answer = send(flask_app, method, path, sent[name])
        serves = method in (rule.methods or ()) and method != "OPTIONS"
        assert (name, bool(spy.reached)) == (name, serves), answer.get_data()
        spy.reached.clear()
    assert flask_app.extensions["fake_ghe"].errors == []


def test_a_cors_preflight_is_answered_before_authentication(flask_app, seeded) -> None:
    spy = Spy(flask_app)
    for rule in RULES.values():
        headers = {"Origin": "https://example.com", "Access-Control-Request-Method": "GET"}
        answer = send(flask_app, "OPTIONS", fill(rule, seeded), headers)
        assert (rule.rule, answer.status_code) == (rule.rule, 204)
    assert spy.reached == []


# ------------------------------------------------------------------ odd paths never crash

ODD_SEGMENTS = [
    "%0A",
    "a%0Ab",
    "%0D%0A",
    "%00",
    "a%00b",
    "%09",
    "%20",
    "%2F",
    "a%2Fb",
    "%25",
    "%ff",
    "é",
    "指紋",
    "%E2%80%AE",
    "..",
    ".",
    "~",
    "x" * 5000,
    "%0A" * 100,
    "1" * 5000,  # more digits than int() takes
]


@pytest.fixture
def odd_paths(seeded) -> Callable[[Any], Iterator[str]]:
    def paths(rule: Any) -> Iterator[str]:
        names = [name for _, name in VARIABLE.findall(rule.rule)]
        for odd in ODD_SEGMENTS:
            for name in names:
                yield fill(rule, {**seeded, name: odd})
            yield fill(rule, seeded) + "/" + odd
            yield fill(rule, seeded) + odd

    return paths


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_odd_path_segments_never_answer_500(flask_app, seeded, odd_paths, rule) -> None:
    sent = credentials(seeded["access_token"])
    signed_in = sent[ACCEPTED[kind(rule)][0]]
    for path in odd_paths(rule):
        for method in [*sorted(rule.methods or ()), "FROB"]:
            for headers in ({}, signed_in):
                answer = send(flask_app, method, path, headers)
                assert answer.status_code != 500, (method, path, answer.get_data())
    assert flask_app.extensions["fake_ghe"].errors == []


# ------------------------------------------------------------------ the newline that reached a view


def test_a_newline_in_a_client_id_is_authenticated_like_any_other(api, flask_app, store) -> None:
    path = "/authorizations/clients/abc%0Adef"
    anonymous = api.put(path, json_body={})
    assert (anonymous.status_code, anonymous.json()) == (401, REQUIRES_AUTH)
    token = api.put(path, headers={"Authorization": "token nope"}, json_body={})
    assert (token.status_code, token.json()) == (401, BAD_CREDENTIALS)
    signed_in = api.put(path, auth=OCTOCAT, json_body={"client_secret": "x"})
    assert signed_in.status_code == 422  # no such app: the view ran, as octocat
    # It may create a token, so an SMS user is texted a code, as for any client_id.
    challenged = api.put(path, auth=MONALISA, json_body={})
    assert challenged.headers["X-GitHub-OTP"] == "required; sms"
    assert len(store.sms_codes["monalisa"]) == 1
    assert flask_app.extensions["fake_ghe"].errors == []


# ------------------------------------------------------------------ masked secrets

# The app token paths (test_every_api_rule_declares_its_credentials says which they are).
SECRET_RULES = [
    pytest.param(rule, id=name)
    for name, rule in RULES.items()
    if routes.access_of(TABLE, rule).secrets  # type: ignore[union-attr]
]
ODD_TOKENS = [
    "0123456789abcdef0123456789abcdef01234567",
    "line\nbreak-0123456789",
    "tab\there\r\n-0123456789",
    "ünïcødé-tøken-指紋-0123",
    "dots..and.~-0123456789",
    "y" * 5000,
]


@pytest.mark.parametrize("rule", SECRET_RULES)
@pytest.mark.parametrize("token", ODD_TOKENS, ids=lambda t: repr(t[:12]))
def test_journal_and_log_mask_every_declared_secret(store: Store, rule, token) -> None:
    if re.fullmatch("[0-9a-f]{40}", token):
        store.add_authorization("octocat", APP_CLIENT_ID, token=token)  # else it is unknown: 404
    flask_app = create_app(store, Config(hostname="ghe.example.com"))
    log = io.StringIO()
    _log_requests(flask_app, log)
    quoted = quote(token, safe="")
    path = fill(rule, {"client_id": APP_CLIENT_ID, "access_token": quoted})
    doubled = path.replace("/tokens/", "/tokens//").replace("/grants/", "/grants//")
    methods = [*sorted(rule.methods or ()), "PUT", "FROB"]
    for method in methods:
        for sent in (path, doubled):
            send(flask_app, method, sent, basic(*APP))
    calls = store.journal.calls
    assert len(calls) == 2 * len(methods)
    shown = redact.mask(token)
    for call in calls:
        assert token not in call.path and token[-20:] not in call.path, call
        assert call.path.endswith(shown) or f"/{shown}" in call.path, call
    assert token[-20:] not in log.getvalue()
    assert log.getvalue().count(shown) == len(calls)
    assert flask_app.extensions["fake_ghe"].errors == []


@pytest.mark.parametrize("rule", SECRET_RULES)
@pytest.mark.parametrize("prefix", ["/api/v3", "", "/some/proxy/api/v3"])
def test_redact_masks_paths_and_urls_outside_any_request(rule, prefix) -> None:
    token = "0123456789abcdef0123456789abcdef01234567"
    path = prefix + fill(rule, {"client_id": APP_CLIENT_ID, "access_token": token})
    assert redact.path(path) == path.replace(token, redact.mask(token))
    url = redact.url(f"https://ghe.example.com{path}?access_token={token}")
    assert token not in url
    assert url.endswith(f"/***{token[-8:]}?access_token=***")


def test_redact_leaves_paths_without_secrets_alone() -> None:
    for path in ("/api/v3/authorizations/clients/abcdefghijklmnop", "/api/v3/user", "/x/y"):
        assert redact.path(path) == path


@pytest.mark.parametrize(
    "path", ["//user", "/authorizations//1", f"/applications/{APP_CLIENT_ID}/tokens//x", "//meta"]
)
def test_a_doubled_slash_is_a_json_404_never_a_redirect(flask_app, seeded, path) -> None:
    # werkzeug would merge the slashes with an HTML 308, which requests follows silently, even
    # for a POST: a URL-building bug in the client would go unseen.
    for method in ("GET", "POST"):
        answer = send(flask_app, method, path, basic(*OCTOCAT))
        assert answer.status_code == 404, (method, path)
        assert answer.get_json() == NOT_FOUND
        assert "Location" not in answer.headers
