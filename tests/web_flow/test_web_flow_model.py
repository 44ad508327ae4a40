"""The OAuth web application flow in-process: the same authorizations, grants, journal and
limits
as the rest of the fake.
"""

from __future__ import annotations

import pytest

from fake_ghe import Store
from fake_ghe.errors import FakeGHEError
from fake_ghe.store.webflow import WebFlowError

from ..web_flow_support import CLIENT_ID, SECRET, authorize_url, exchange, form_token, sign_in

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
