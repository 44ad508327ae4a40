"""The one route table: no request reaches a view without the credentials that view declares."""

from __future__ import annotations

import pytest

from fake_ghe.api.routes import Kind

from ..conftest import (
    BAD_CREDENTIALS,
    BASIC_ONLY,
    MONALISA,
    NOT_FOUND,
    OCTOCAT,
    OTP_REQUIRED,
    REQUIRES_AUTH,
)
from ..routes_support import ACCEPTED, RULES, Spy, credentials, fill, kind, send

# Every method a rule takes, plus one it cannot (answered 404 only after authentication).
RULE_METHODS = [
    pytest.param(rule, method, id=f"{method} {name}")
    for name, rule in RULES.items()
    for method in [*sorted(rule.methods or ()), "FROB"]
]


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
