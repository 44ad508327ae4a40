"""The admin API under /_fake_ghe/: which paths it has, and the state it shows."""

from __future__ import annotations

from ..admin_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    OCTOCAT,
    OCTOCAT_APP_TOKEN,
    OCTOCAT_PAT,
    basic,
    make_fake,
)

# ------------------------------------------------------------------ what the admin paths are


def test_admin_paths_need_no_ghe_credentials_while_ghe_paths_still_do(client):
    assert client.get("/_fake_ghe/state").status_code == 200
    denied = client.get("/api/v3/authorizations")
    assert denied.status_code == 401
    assert denied.get_json()["message"] == "Requires authentication"


def test_no_admin_removes_every_admin_path_and_leaves_the_api():
    app, store = make_fake(admin=False)
    client = app.test_client()
    for method, path in [
        ("GET", "/_fake_ghe/"),
        ("GET", "/_fake_ghe/state"),
        ("GET", "/_fake_ghe/events"),
        ("POST", "/_fake_ghe/reset"),
        ("POST", "/_fake_ghe/scenario"),
        ("POST", "/_fake_ghe/faults"),
        ("GET", "/_fake_ghe/static/style.css"),
        ("GET", "/static/style.css"),
    ]:
        answer = client.open(path, method=method)
        assert answer.status_code == 404, (method, path)
        assert answer.get_json()["message"] == "Not Found"
    assert len(store.users()) == 2  # the refused reset changed nothing
    assert client.get("/api/v3/authorizations", headers=basic(*OCTOCAT)).status_code == 200


def test_unknown_admin_path_and_wrong_method_are_404(client):
    assert client.get("/_fake_ghe/nothing-here").status_code == 404
    assert client.get("/_fake_ghe/reset").status_code == 404  # GET on a POST-only path


def test_admin_requests_stay_out_of_the_call_journal(client):
    client.get("/api/v3/meta")
    client.get("/_fake_ghe/state")
    client.get("/_fake_ghe/")
    calls = client.get("/_fake_ghe/calls").get_json()
    assert [(call["method"], call["path"]) for call in calls] == [("GET", "/api/v3/meta")]


def test_cross_origin_posts_are_refused_same_origin_and_curl_are_not(client, store):
    hostile = client.post("/_fake_ghe/reset", headers={"Origin": "http://evil.example"})
    assert hostile.status_code == 403
    assert "cross-origin" in hostile.get_json()["message"]
    null_origin = client.post(
        "/_fake_ghe/faults", data='{"status": 500}', headers={"Origin": "null"}
    )
    assert null_origin.status_code == 403
    assert client.get("/_fake_ghe/faults").get_json() == []
    store.add_user("extra", "pw")
    same = client.post("/_fake_ghe/reset", headers={"Origin": "http://localhost"})
    assert same.status_code == 200
    assert store.user("extra") is None
    assert client.post("/_fake_ghe/reset").status_code == 200  # no Origin: curl, scripts


# ------------------------------------------------------------------ state


def test_state_shows_users_apps_grants_and_tokens_but_never_a_full_token(client):
    answer = client.get("/_fake_ghe/state")
    assert answer.status_code == 200
    assert answer.content_type == "application/json; charset=utf-8"
    assert OCTOCAT_APP_TOKEN not in answer.text and OCTOCAT_PAT not in answer.text
    body = answer.get_json()
    assert [user["login"] for user in body["users"]] == ["octocat", "hubot"]
    assert body["users"][1]["two_factor"] == "sms"
    assert body["oauth_apps"] == [
        {
            "id": 1,
            "name": "my github app",
            "url": "http://my-github-app.com",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    app_token, pat = body["authorizations"]
    assert app_token["token_last_eight"] == OCTOCAT_APP_TOKEN[-8:]
    assert app_token["user"] == "octocat" and app_token["app"] == CLIENT_ID
    assert app_token["grant"] == 1
    assert "token" not in app_token
    assert pat["app"] is None and pat["note"] == "laptop" and pat["grant"] is None
    assert body["grants"] == [
        {
            "id": 1,
            "user": "octocat",
            "app": CLIENT_ID,
            "app_name": "my github app",
            "scopes": ["repo", "read:org"],
            "authorizations": [1],
            "created_at": "2019-09-01T12:00:00Z",
            "updated_at": "2019-09-01T12:00:00Z",
        }
    ]
    assert body["clock"] == {"now": "2019-09-01T12:00:00Z", "frozen": True}
    assert body["faults"] == []
