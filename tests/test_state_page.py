"""The state page at /_fake_ghe/ and the per-user "Authorized OAuth Apps" view."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from fake_ghe.store import Store

from .admin_support import (
    CLIENT_ID,
    OCTOCAT,
    OCTOCAT_APP_TOKEN,
    OCTOCAT_PAT,
    basic,
    make_fake,
    token_auth,
)


@pytest.fixture
def fake():
    return make_fake()


@pytest.fixture
def client(fake) -> FlaskClient:
    return fake[0].test_client()


@pytest.fixture
def store(fake) -> Store:
    return fake[1]


class Page(HTMLParser):
    """The bits of a page the tests look at: text per element id, forms, asset references."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.rows: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag in ("link", "script", "img") and (found.get("href") or found.get("src")):
            self.assets.append(found.get("href") or found.get("src") or "")
        if tag == "form":
            self.forms.append(found)
        if tag == "tr" and "data-seq" in found:
            self.rows.append(found)


def form_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "no form token on the page"
    return match.group(1)


def test_overview_shows_users_apps_grants_tokens_and_nothing_more_of_a_token(client, store):
    store.add_authorization("hubot", CLIENT_ID, scopes=["public_repo"])
    answer = client.get("/_fake_ghe/")
    assert answer.status_code == 200
    assert answer.content_type == "text/html; charset=utf-8"
    html = answer.text
    for text in (
        "octocat",
        "The Octocat",
        "hubot",
        "my github app",
        CLIENT_ID,
        "laptop",
        "read:org",
        "public_repo",
        "2019-09-01T12:00:00Z",
    ):
        assert text in html, text
    assert "…" + OCTOCAT_APP_TOKEN[-8:] in html and "…" + OCTOCAT_PAT[-8:] in html
    for auth in store.authorizations():
        assert auth.token not in html
        assert auth.token[:-8] not in html
    # The client secret is not on the page either (the state API has it for tests).
    assert "0123456789abcdef0123456789abcdef01234567" not in html
    assert "&bull;&bull;&bull;&bull;4567" in html


def test_overview_lists_events_newest_first(client):
    client.delete("/api/v3/applications/grants/1", headers=basic(*OCTOCAT))
    page = Page(client.get("/_fake_ghe/").text)
    assert [row["data-seq"] for row in page.rows] == ["3", "2", "1"]
    assert page.rows[0]["class"] == "event event-revoked"


def test_overview_shows_armed_faults_and_a_frozen_clock(client):
    client.post(
        "/_fake_ghe/faults",
        data='{"method": "POST", "path": "/authorizations", "status": 502, "times": 3}',
    )
    html = client.get("/_fake_ghe/").text
    assert "<code>/authorizations</code>" in html and ">502" in html
    assert "2019-09-01T12:00:00Z" in html and "frozen" in html


def test_user_supplied_text_is_escaped(client):
    loaded = client.post(
        "/_fake_ghe/scenario",
        data="users: [{login: mallory, password: pw, name: '<script>alert(1)</script>'}]\n"
        "authorizations: [{user: mallory, note: '<img src=x onerror=alert(2)>'}]\n",
    )
    assert loaded.status_code == 200
    for path in ("/_fake_ghe/", "/_fake_ghe/users/mallory"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/_fake_ghe/").text


def test_the_page_loads_only_its_own_assets_and_they_are_served(client):
    for path in ("/_fake_ghe/", "/_fake_ghe/users/octocat"):
        page = Page(client.get(path).text)
        assert page.assets == ["data:,", "/_fake_ghe/static/style.css"]
    css = client.get("/_fake_ghe/static/style.css")
    assert css.status_code == 200 and "text/css" in css.content_type
    assert "http" not in css.text  # no web fonts, no remote images


def test_the_page_is_not_journaled_as_a_ghe_call(client):
    client.get("/_fake_ghe/")
    client.get("/_fake_ghe/users/octocat")
    client.get("/_fake_ghe/static/style.css")
    assert client.get("/_fake_ghe/calls").get_json() == []


def test_user_view_lists_authorized_apps_with_a_revoke_form_each(client, store):
    store.add_app("other app", "http://other.example.com", client_id="0f0f0f0f0f0f0f0f0f0f")
    extra = store.add_authorization("octocat", "0f0f0f0f0f0f0f0f0f0f", scopes=["gist"])
    html = client.get("/_fake_ghe/users/octocat").text
    assert "Authorized OAuth Apps" in html
    assert "You have granted <strong>2 applications</strong> access to your account." in html
    forms = Page(html).forms
    assert [form["action"] for form in forms] == [
        "/_fake_ghe/users/octocat/grants/1/revoke",
        "/_fake_ghe/users/octocat/grants/2/revoke",
    ]
    assert all(form["method"] == "post" for form in forms)
    assert "…" + extra.token_last_eight in html and extra.token not in html
    # Personal access tokens are listed apart, read-only, as on GitHub.
    assert 'id="personal-tokens"' in html and "laptop" in html


def test_user_view_without_apps_says_so(client):
    html = client.get("/_fake_ghe/users/hubot").text
    assert "No applications have access to your account." in html
    assert Page(html).forms == []


def test_unknown_user_view_is_a_404_page(client):
    answer = client.get("/_fake_ghe/users/nobody")
    assert answer.status_code == 404
    assert "No user nobody" in answer.text


def test_revoke_deletes_the_grant_and_its_tokens_as_the_api_would(client, store):
    page = client.get("/_fake_ghe/users/octocat").text
    answer = client.post(
        "/_fake_ghe/users/octocat/grants/1/revoke", data={"form_token": form_token(page)}
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/_fake_ghe/users/octocat?revoked={CLIENT_ID}"
    after = client.get(answer.headers["Location"]).text
    assert "Revoked access to my github app." in after
    assert "No applications have access to your account." in after

    # Through the GHE API: the grant and its token are gone, the personal token is not.
    grants = client.get("/api/v3/applications/grants", headers=basic(*OCTOCAT))
    assert grants.status_code == 200 and grants.get_json() == []
    assert client.get("/api/v3/user", headers=token_auth(OCTOCAT_APP_TOKEN)).status_code == 401
    assert client.get("/api/v3/user", headers=token_auth(OCTOCAT_PAT)).status_code == 200
    # Journaled exactly as DELETE /applications/grants/1 by octocat.
    [event] = store.journal.events[2:]
    assert (event.kind, event.cause, event.actor, event.authorization_id) == (
        "revoked",
        "grant_delete",
        "octocat",
        1,
    )


def test_revoke_journals_the_same_event_as_the_api():
    by_page_app, by_page = make_fake()
    by_api_app, by_api = make_fake()
    client = by_page_app.test_client()
    token = form_token(client.get("/_fake_ghe/users/octocat").text)
    client.post("/_fake_ghe/users/octocat/grants/1/revoke", data={"form_token": token})
    api = by_api_app.test_client()
    assert api.delete("/api/v3/applications/grants/1", headers=basic(*OCTOCAT)).status_code == 204
    assert by_page.journal.events == by_api.journal.events


def test_revoking_twice_says_it_was_already_revoked(client):
    token = form_token(client.get("/_fake_ghe/users/octocat").text)
    client.post("/_fake_ghe/users/octocat/grants/1/revoke", data={"form_token": token})
    again = client.post("/_fake_ghe/users/octocat/grants/1/revoke", data={"form_token": token})
    assert again.status_code == 303
    assert (
        "That application had already been revoked." in client.get(again.headers["Location"]).text
    )


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({}, {}),
        ({"form_token": "guessed"}, {}),
        ("TOKEN", {"Origin": "http://evil.example"}),
    ],
    ids=["no-token", "wrong-token", "cross-origin"],
)
def test_revoke_refuses_forged_posts_and_changes_nothing(client, store, data, headers):
    token = form_token(client.get("/_fake_ghe/users/octocat").text)
    if data == "TOKEN":
        data = {"form_token": token}
    answer = client.post("/_fake_ghe/users/octocat/grants/1/revoke", data=data, headers=headers)
    assert answer.status_code == 403
    assert store.grant(1) is not None
    assert store.authorization_by_token(OCTOCAT_APP_TOKEN) is not None


def test_each_app_has_its_own_form_token():
    first, _ = make_fake()
    second, _ = make_fake()
    token = form_token(first.test_client().get("/_fake_ghe/users/octocat").text)
    refused = second.test_client().post(
        "/_fake_ghe/users/octocat/grants/1/revoke", data={"form_token": token}
    )
    assert refused.status_code == 403


def test_the_page_without_its_trailing_slash_redirects_to_it(client):
    answer = client.get("/_fake_ghe")
    assert answer.status_code == 308
    assert answer.headers["Location"].endswith("/_fake_ghe/")
