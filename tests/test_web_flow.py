"""The OAuth web application flow in-process: pages, code exchange, documented errors, and the
same authorizations, grants and journal as the rest of the fake."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask.testing import FlaskClient

from fake_ghe import Clock, Config, Store, create_app
from fake_ghe.errors import FakeGHEError
from fake_ghe.store.webflow import WebFlowError

from .conftest import START, TOTP_SECRET

CLIENT_ID = "abcde12345fghij67890"
SECRET = "0123456789abcdef0123456789abcdef01234567"
CALLBACK = "http://app.example.com/auth/callback"
TROUBLE = "https://developer.github.com/enterprise/2.18/apps/managing-oauth-apps"


@pytest.fixture
def store() -> Store:
    store = Store(clock=Clock(frozen_at=START))
    store.add_user("octocat", "s3cret", email="octocat@example.com")
    store.add_user("hubot", "hubot-pass", two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    store.add_app("my app", client_id=CLIENT_ID, client_secret=SECRET, callback_url=CALLBACK)
    return store


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return create_app(store, Config(hostname="ghe.example.com")).test_client()


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def form_token(html: str) -> str:
    match = re.search(r'name="authenticity_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def authorize_url(**params: str) -> str:
    params = {"client_id": CLIENT_ID, "state": "xyz", **params}
    return "/login/oauth/authorize?" + "&".join(f"{k}={v}" for k, v in params.items())


def sign_in(client: FlaskClient, login: str, password: str, return_to: str = "") -> str:
    page = client.get("/login", query_string={"return_to": return_to})
    answer = client.post(
        "/session",
        data={
            "authenticity_token": form_token(page.text),
            "login": login,
            "password": password,
            "return_to": return_to,
            "commit": "Sign in",
        },
    )
    return answer.headers.get("Location", "")


def approve(client: FlaskClient, url: str, value: str = "1") -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    answer = client.post("/login/oauth/authorize", data={**fields, "authorize": value})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(CALLBACK)
    return query(answer.headers["Location"])


def exchange(client: FlaskClient, code: str, accept: str = "application/json", **extra: str):
    data = {"client_id": CLIENT_ID, "client_secret": SECRET, "code": code, **extra}
    return client.post("/login/oauth/access_token", data=data, headers={"Accept": accept})


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


# ------------------------------------------------------------------ the same model


def test_the_app_checks_resets_and_revokes_it_and_a_grant_revoke_ends_it(client, store):
    token = exchange(client, store.authorize("octocat", CLIENT_ID, scopes="repo")).get_json()
    value = token["access_token"]
    app = (CLIENT_ID, SECRET)
    check = client.get(f"/api/v3/applications/{CLIENT_ID}/tokens/{value}", auth=app)
    assert check.get_json()["user"]["login"] == "octocat"
    grants = client.get("/api/v3/applications/grants", auth=("octocat", "s3cret")).get_json()
    assert [grant["scopes"] for grant in grants] == [["repo"]]
    client.delete(f"/api/v3/applications/grants/{grants[0]['id']}", auth=("octocat", "s3cret"))
    dead = client.get("/api/v3/user", headers={"Authorization": f"token {value}"})
    assert dead.status_code == 401


def test_user_emails_needs_the_user_email_scope(client, store):
    for scopes, status in (([], 404), (["repo"], 404), (["user:email"], 200), (["user"], 200)):
        token = store.add_authorization("octocat", CLIENT_ID, scopes=scopes).token
        headers = {"Authorization": f"token {token}"}
        assert client.get("/api/v3/user/emails", headers=headers).status_code == status, scopes
    hubot = store.add_authorization("hubot", CLIENT_ID, scopes=["user"]).token
    emails = client.get("/api/v3/user/emails", headers={"Authorization": f"token {hubot}"})
    assert emails.get_json() == []


def test_callback_url_is_checked_like_every_app_field(store):
    with pytest.raises(FakeGHEError, match="callback_url"):
        store.add_app("bad", callback_url="javascript:alert(1)")
    from fake_ghe.scenario import load_scenario

    loaded = load_scenario(
        store, {"oauth_apps": [{"name": "yaml app", "callback_url": "https://x.example/cb"}]}
    )
    assert loaded is not None
    (app,) = [a for a in store.oauth_apps() if a.name == "yaml app"]
    assert app.callback_url == "https://x.example/cb"


def test_the_programmatic_shortcut_refuses_what_the_page_would(store):
    with pytest.raises(WebFlowError, match="redirect_uri"):
        store.authorize("octocat", CLIENT_ID, redirect_uri="http://evil.example.com/")
    with pytest.raises(FakeGHEError):
        store.authorize("nobody", CLIENT_ID)


def test_login_fills_in_the_sign_in_form_and_allow_signup_is_ignored(client):
    url = authorize_url(login="hubot", allow_signup="false")
    page = client.get(client.get(url).headers["Location"])
    assert 'id="login_field" value="hubot"' in page.text


def test_what_a_page_echoes_is_escaped(client):
    sign_in(client, "octocat", "s3cret")
    page = client.get(authorize_url(state="%22%3E%3Cscript%3Ex%3C/script%3E"))
    assert "<script>x" not in page.text and "&#34;&gt;&lt;script&gt;" in page.text


def test_sms_users_are_texted_a_code_and_a_locked_login_stays_locked(client, store):
    store.add_user("lisa", "lisa-pass", two_factor="sms")
    to_2fa = sign_in(client, "lisa", "lisa-pass", return_to=authorize_url())
    page = client.get(to_2fa)
    assert "SMS" in page.text
    (code,) = store.sms_codes["lisa"]
    store.lockout_threshold = 1
    store.note_failed_login(store.user("lisa"))
    data = {"authenticity_token": form_token(page.text), "otp": code}
    locked = client.post("/sessions/two-factor", data=data)
    assert locked.status_code == 401 and "Too many failed sign in attempts" in locked.text


def test_the_state_page_and_the_users_view_show_the_web_flow_token(client, store):
    token = exchange(client, store.authorize("octocat", CLIENT_ID, scopes="repo")).get_json()
    last_eight = token["access_token"][-8:]
    state = client.get("/_fake_ghe/state").get_json()
    assert [a["token_last_eight"] for a in state["authorizations"]] == [last_eight]
    assert last_eight in client.get("/_fake_ghe/users/octocat").text


def test_the_plugin_assertions_name_the_web_flow_causes(store):
    from fake_ghe.assertions import assert_revoked

    first = store.exchange_code(CLIENT_ID, SECRET, store.authorize("octocat", CLIENT_ID), None)
    kept = first.token
    for _ in range(10):
        store.exchange_code(CLIENT_ID, SECRET, store.authorize("octocat", CLIENT_ID), None)
    assert_revoked(store, kept, cause="token_limit", by="octocat")


def test_a_bad_callback_url_in_a_scenario_is_a_problem_at_its_line(tmp_path):
    from fake_ghe.scenario import validate_scenario

    path = tmp_path / "s.yaml"
    path.write_text("oauth_apps:\n  - name: x\n    callback_url: ftp://x.example/cb\n")
    assert [str(p) for p in validate_scenario(path)] == [
        f"{path}:3: oauth_apps[0].callback_url: must be an http:// or https:// URL"
    ]


def test_fake_ghe_serve_says_where_sign_in_starts():
    import io

    from fake_ghe import cli

    out = io.StringIO()
    ready = {"url": "http://127.0.0.1:8080", "api_url": "http://127.0.0.1:8080/api/v3"}
    cli._banner({**ready, "admin_url": None}, out)
    assert "http://127.0.0.1:8080/login/oauth/authorize" in out.getvalue()


def test_sessions_and_codes_are_bounded(store, monkeypatch):
    from fake_ghe.store import webflow

    monkeypatch.setattr(webflow, "MAX_SESSIONS", 3)
    monkeypatch.setattr(webflow, "MAX_CODES", 3)
    first, _ = store.web_session(None)
    for _ in range(3):
        store.web_session(None)
    assert store.web_session(first)[0] != first  # forgotten: a new session
    codes = [store.authorize("octocat", CLIENT_ID) for _ in range(4)]
    assert exchange_code_error(store, codes[0]) == "bad_verification_code"
    assert store.exchange_code(CLIENT_ID, SECRET, codes[3], None).client_id == CLIENT_ID


def exchange_code_error(store: Store, code: str) -> str:
    with pytest.raises(WebFlowError) as raised:
        store.exchange_code(CLIENT_ID, SECRET, code, None)
    return raised.value.error


def test_an_unknown_login_reads_like_a_wrong_password_and_locks_alike(client, store):
    store.lockout_threshold = 2
    page = client.get("/login")
    data = {"authenticity_token": form_token(page.text), "login": "nobody", "password": "x"}
    first = client.post("/session", data=data)
    assert first.status_code == 401 and "Incorrect username or password." in first.text
    client.post("/session", data=data)
    locked = client.post("/session", data=data)
    assert "Too many failed sign in attempts" in locked.text
