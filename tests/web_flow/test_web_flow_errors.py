"""The OAuth web application flow in-process: the documented authorization and token request
errors.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from fake_ghe.store.webflow import WebFlowError

from ..web_flow_support import CALLBACK, CLIENT_ID, TROUBLE, authorize_url, exchange, query, sign_in

# ------------------------------------------------------------------ authorization errors


@pytest.mark.parametrize(
    "redirect_uri, allowed",
    [
        (CALLBACK, True),
        (CALLBACK + "/deeper/still", True),
        ("http://app.example.com/auth/callbackx", False),
        ("http://app.example.com/auth", False),
        ("http://app.example.com:8080/auth/callback", False),
        ("https://app.example.com/auth/callback", False),
        ("http://evil.example.com/auth/callback", False),
        ("http://app.example.com/auth/callback/../../elsewhere", False),
        ("http://app.example.com@evil.example.com/auth/callback", False),
    ],
)
def test_redirect_uri_must_be_the_callback_or_under_it(client, redirect_uri, allowed):
    sign_in(client, "octocat", "s3cret")
    answer = client.get(authorize_url(redirect_uri=quote(redirect_uri, safe="")))
    if allowed:
        assert answer.status_code == 200
        return
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    assert query(location) == {
        "error": "redirect_uri_mismatch",
        "error_description": (
            "The redirect_uri MUST match the registered callback URL for this application."
        ),
        "error_uri": (
            f"{TROUBLE}/troubleshooting-authorization-request-errors/#redirect-uri-mismatch"
        ),
        "state": "xyz",
    }


def test_a_suspended_app_is_sent_application_suspended(client, store):
    store.suspend_app(CLIENT_ID)
    answer = client.get(authorize_url(redirect_uri=quote(CALLBACK + "/deeper", safe="")))
    assert answer.headers["Location"].startswith(CALLBACK + "?")
    assert query(answer.headers["Location"]) == {
        "error": "application_suspended",
        "error_description": (
            "Your application has been suspended. Contact your site administrator."
        ),
        "error_uri": (
            f"{TROUBLE}/troubleshooting-authorization-request-errors/#application-suspended"
        ),
        "state": "xyz",
    }
    with pytest.raises(WebFlowError, match="suspended"):
        store.authorize("octocat", CLIENT_ID)


def test_an_unknown_client_or_an_app_without_callback_gets_an_error_page(client, store):
    answer = client.get("/login/oauth/authorize?client_id=nope&redirect_uri=http://evil.example")
    assert answer.status_code == 404 and "Location" not in answer.headers
    assert answer.mimetype == "text/html"
    bare = store.add_app("no callback")
    assert client.get(f"/login/oauth/authorize?client_id={bare.client_id}").status_code == 404


# ------------------------------------------------------------------ token request errors


@pytest.mark.parametrize(
    "accept, parse",
    [
        ("application/json", lambda r: r.get_json()),
        ("", lambda r: query("?" + r.text)),
        ("application/xml", lambda r: dict(re.findall(r"<(\w+)>([^<]*)</\1>", r.text))),
    ],
)
def test_the_answer_follows_accept(client, store, accept, parse):
    code = store.authorize("octocat", CLIENT_ID, scopes=["repo", "gist"])
    answer = exchange(client, code, accept=accept)
    assert answer.status_code == 200
    body = parse(answer)
    assert body["scope"] == "repo,gist" and body["token_type"] == "bearer"
    assert store.authorization_by_token(body["access_token"]).client_id == CLIENT_ID
    error = parse(exchange(client, code, accept=accept))
    assert error["error"] == "bad_verification_code"


def token_error(name: str, description: str) -> dict[str, str]:
    anchor = name.replace("_", "-")
    return {
        "error": name,
        "error_description": description,
        "error_uri": f"{TROUBLE}/troubleshooting-oauth-app-access-token-request-errors/#{anchor}",
    }


def test_incorrect_client_credentials(client, store):
    code = store.authorize("octocat", CLIENT_ID)
    answer = exchange(client, code, client_secret="wrong")
    assert answer.get_json() == token_error(
        "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect."
    )
    assert "access_token" in exchange(client, code).get_json()  # the code is still good


def test_redirect_uri_mismatch_at_the_exchange(client, store):
    code = store.authorize("octocat", CLIENT_ID, redirect_uri=CALLBACK + "/a")
    answer = exchange(client, code, redirect_uri=CALLBACK + "/b")
    assert answer.get_json() == token_error(
        "redirect_uri_mismatch",
        "The redirect_uri MUST match the registered callback URL for this application.",
    )
    assert "access_token" in exchange(client, code, redirect_uri=CALLBACK + "/a").get_json()


@pytest.mark.parametrize("case", ["unknown", "used", "expired", "other app"])
def test_bad_verification_code(client, store, case):
    code = store.authorize("octocat", CLIENT_ID)
    if case == "unknown":
        code = "0" * 20
    elif case == "used":
        exchange(client, code)
    elif case == "expired":
        store.clock.set(store.clock.now() + timedelta(minutes=10))
    other = store.add_app("other", client_secret="s" * 40, callback_url=CALLBACK)
    if case == "other app":
        answer = client.post(
            "/login/oauth/access_token",
            data={"client_id": other.client_id, "client_secret": "s" * 40, "code": code},
            headers={"Accept": "application/json"},
        )
    else:
        answer = exchange(client, code)
    assert answer.get_json() == token_error(
        "bad_verification_code", "The code passed is incorrect or expired."
    )


def test_a_code_is_good_until_ten_minutes_have_passed(client, store):
    code = store.authorize("octocat", CLIENT_ID)
    store.clock.set(store.clock.now() + timedelta(minutes=9, seconds=59))
    assert "access_token" in exchange(client, code).get_json()
