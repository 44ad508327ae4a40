"""The OAuth web application flow in-process: sign-in, consent, redirect and code exchange
pages, as a user walks through them.
"""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from ..web_flow_support import (
    CALLBACK,
    CLIENT_ID,
    TROUBLE,
    authorize_url,
    exchange,
    form_token,
    query,
    sign_in,
)


def approve(client: FlaskClient, url: str, value: str = "1") -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    answer = client.post("/login/oauth/authorize", data={**fields, "authorize": value})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(CALLBACK)
    return query(answer.headers["Location"])


# ------------------------------------------------------------------ the whole flow


def test_sign_in_consent_redirect_exchange_then_the_token_works(client, store):
    url = authorize_url(scope="user:email%20repo")
    first = client.get(url)
    assert first.status_code == 302
    assert first.headers["Location"].startswith("/login?return_to=")
    assert sign_in(client, "octocat", "s3cret", return_to=url) == url
    page = client.get(url)
    assert "my app" in page.text and "user:email" in page.text
    assert 'id="js-oauth-authorize-btn"' in page.text and 'name="authorize" value="1"' in page.text
    answer = approve(client, url)
    assert answer["state"] == "xyz"
    token = exchange(client, answer["code"]).get_json()
    assert token["token_type"] == "bearer" and token["scope"] == "user:email,repo"
    headers = {"Authorization": f"token {token['access_token']}"}
    assert client.get("/api/v3/user", headers=headers).get_json()["login"] == "octocat"
    assert client.get("/api/v3/user/emails", headers=headers).get_json() == [
        {"email": "octocat@example.com", "verified": True, "primary": True, "visibility": "public"}
    ]
    # The same model: an authorization of the app, with its grant, made by the user.
    (auth,) = store.authorizations()
    assert auth.client_id == CLIENT_ID and auth.scopes == ("user:email", "repo")
    assert [grant.client_id for grant in store.grants()] == [CLIENT_ID]
    event = store.journal.events[-1]
    assert (event.kind, event.cause, event.actor) == ("created", "web_flow", "octocat")
    listed = client.get("/api/v3/authorizations", auth=("octocat", "s3cret")).get_json()
    assert [a["app"]["client_id"] for a in listed] == [CLIENT_ID]


def test_pages_are_guarded_and_load_nothing_from_the_network(client):
    page = client.get("/login")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert not re.search(r'(src|href)="(https?:)?//', page.text)
    assert 'id="login_field"' in page.text and 'name="commit"' in page.text
    cookie = page.headers["Set-Cookie"]
    assert "user_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_without_its_token_is_refused(client, store):
    answer = client.post("/session", data={"login": "octocat", "password": "s3cret"})
    assert answer.status_code == 422
    assert client.get(authorize_url()).status_code == 302  # still not signed in


def test_a_form_from_another_origin_is_refused(client):
    token = form_token(client.get("/login").text)
    answer = client.post(
        "/session",
        data={"authenticity_token": token, "login": "octocat", "password": "s3cret"},
        headers={"Origin": "http://evil.example.com"},
    )
    assert answer.status_code == 422


def test_sign_in_never_continues_to_another_site(client):
    assert sign_in(client, "octocat", "s3cret", return_to="https://evil.example.com/") == "/login"
    assert sign_in(client, "octocat", "s3cret", return_to="//evil.example.com/") == "/login"


def test_wrong_password_then_the_lockout(client, store):
    store.lockout_threshold = 2
    page = client.get("/login")
    data = {"authenticity_token": form_token(page.text), "login": "octocat", "password": "x"}
    first = client.post("/session", data=data)
    assert first.status_code == 401 and "Incorrect username or password." in first.text
    client.post("/session", data=data)
    locked = client.post("/session", data={**data, "password": "s3cret"})
    assert locked.status_code == 401 and "Too many failed sign in attempts" in locked.text


def test_two_factor_users_give_their_code(client, store):
    url = authorize_url()
    to_2fa = sign_in(client, "hubot", "hubot-pass", return_to=url)
    assert to_2fa.startswith("/sessions/two-factor")
    assert client.get(url).status_code == 302  # not signed in yet
    page = client.get(to_2fa)
    assert 'id="otp"' in page.text and 'name="otp"' in page.text
    data = {"authenticity_token": form_token(page.text), "return_to": url}
    wrong = client.post("/sessions/two-factor", data={**data, "otp": "000000"})
    assert wrong.status_code == 401 and "Two-factor authentication failed." in wrong.text
    assert len(store.failed_logins("hubot")) == 1  # a wrong code counts, as on the API
    right = client.post("/sessions/two-factor", data={**data, "otp": store.otp("hubot")})
    assert right.headers["Location"] == url
    assert "code" in approve(client, url)


def test_sign_out_ends_the_session(client):
    sign_in(client, "octocat", "s3cret")
    page = client.get("/login")
    assert 'id="signed-in-login"' in page.text
    client.post("/logout", data={"authenticity_token": form_token(page.text)})
    assert client.get(authorize_url()).headers["Location"].startswith("/login?")


def test_a_user_who_already_authorized_those_scopes_is_not_asked_again(client, store):
    url = authorize_url(scope="repo")
    sign_in(client, "octocat", "s3cret")
    approve(client, url)
    again = client.get(url)
    assert again.status_code == 302 and "code" in query(again.headers["Location"])
    # Without a scope, the flow completes with every scope the user granted. [docs]
    bare = query(client.get(authorize_url()).headers["Location"])
    assert exchange(client, bare["code"]).get_json()["scope"] == "repo"
    # More scopes than granted: asked again.
    assert client.get(authorize_url(scope="repo%20gist")).status_code == 200


def test_a_second_authorization_is_a_new_token_and_ten_is_the_limit(client, store):
    """[docs: "Multiple tokens for OAuth Apps"] each approval makes a token; an eleventh for the
    same user, app and scopes revokes the oldest."""
    tokens = [
        exchange(client, store.authorize("octocat", "my app", scopes=["repo"])).get_json()
        for _ in range(11)
    ]
    assert len({t["access_token"] for t in tokens}) == 11
    live = store.authorizations()
    assert len(live) == 10
    assert store.authorization_by_token(tokens[0]["access_token"]) is None
    assert store.journal.events[-2].cause == "token_limit"
    assert len(store.grants()) == 1


def test_cancel_redirects_with_access_denied(client):
    url = authorize_url()
    sign_in(client, "octocat", "s3cret")
    assert approve(client, url, value="0") == {
        "error": "access_denied",
        "error_description": "The user has denied your application access.",
        "error_uri": f"{TROUBLE}/troubleshooting-authorization-request-errors/#access-denied",
        "state": "xyz",
    }
