"""Real Python GitHub clients against a live fake, through the whole token lifecycle.

Each client is used the way its own documentation says, with nothing patched: github3.py
(``authorize``, authorization objects, the 2FA callback, the app's check/revoke), PyGithub
(Basic auth, ``create_authorization`` with ``onetime_password``, pagination), ghapi (the
``oauth_authorizations`` routes, including get-or-create and grants), and raw httpx for the
app endpoints none of them wraps (reset, revoke a grant).
"""

from __future__ import annotations

import base64
import re

from ..optional import require

require("clients", "github3", "github", "ghapi", "fastcore")

import github3
import httpx
import pytest
from fastcore.net import HTTP4xxClientError
from ghapi.all import GhApi
from github import Auth, Github, GithubException
from github.GithubException import (
    BadCredentialsException,
    TwoFactorException,
    UnknownObjectException,
)

from .conftest import (
    APP_CLIENT_ID,
    APP_NAME,
    APP_SECRET,
    APP_URL,
    BASIC_AUTH_ONLY,
    HUBOT,
    MONALISA,
    OCTOCAT,
    OTHER_CLIENT_ID,
    OTHER_SECRET,
    OTP_REQUIRED,
    PERSONAL_CLIENT_ID,
    LiveGHE,
)

TOKEN = re.compile(r"^[0-9a-f]{40}$")
PERSONAL_APP_URL = "https://developer.github.com/enterprise/2.18/v3/oauth_authorizations/"


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


# ================================================================ github3.py


def test_github3_authorize_creates_a_personal_token(ghe: LiveGHE):
    gh = github3.GitHubEnterprise(ghe.root_url)

    auth = gh.authorize(
        *OCTOCAT, ["repo", "gist"], note="github3 script", note_url="http://example.com/script"
    )

    assert TOKEN.match(auth.token)
    assert auth.scopes == ["repo", "gist"]
    assert auth.note == "github3 script"
    assert auth.note_url == "http://example.com/script"
    assert auth.token_last_eight == auth.token[-8:]
    assert auth.app == {
        "client_id": PERSONAL_CLIENT_ID,
        "name": "github3 script",
        "url": "http://example.com/script",
    }
    stored = ghe.store.authorization_by_token(auth.token)
    assert stored is not None and stored.id == auth.id
    assert stored.client_id is None and stored.scopes == ("repo", "gist")


def test_github3_authorize_blank_note_url_falls_back_to_the_docs(ghe: LiveGHE):
    # github3 always sends note_url, client_id and client_secret, as "" when not given; the
    # "" note_url comes back as "" (recorded: g3py.add_scopes, 2018).
    auth = github3.GitHubEnterprise(ghe.root_url).authorize(*OCTOCAT, ["repo"], note="plain")

    assert auth.note_url == ""
    assert auth.app["url"] == PERSONAL_APP_URL
    assert ghe.store.authorization(auth.id).client_id is None


def test_github3_authorize_for_an_oauth_app_makes_a_grant(ghe: LiveGHE):
    gh = github3.GitHubEnterprise(ghe.root_url)

    auth = gh.authorize(
        *OCTOCAT, ["public_repo"], client_id=APP_CLIENT_ID, client_secret=APP_SECRET
    )

    assert TOKEN.match(auth.token)
    assert auth.app == {"client_id": APP_CLIENT_ID, "name": APP_NAME, "url": APP_URL}
    [grant] = ghe.store.grants()
    assert grant.client_id == APP_CLIENT_ID
    assert ghe.store.grant_scopes(grant) == ["public_repo"]


def test_github3_authorize_with_a_wrong_app_secret_is_refused(ghe: LiveGHE):
    gh = github3.GitHubEnterprise(ghe.root_url)

    with pytest.raises(github3.exceptions.UnprocessableEntity) as caught:
        gh.authorize(*OCTOCAT, ["repo"], client_id=APP_CLIENT_ID, client_secret=OTHER_SECRET)

    assert caught.value.msg == "Invalid OAuth application client_id or secret."
    assert ghe.store.authorizations() == []


def test_github3_two_factor_user_without_callback_gets_the_otp_challenge(ghe: LiveGHE):
    gh = github3.GitHubEnterprise(ghe.root_url)

    with pytest.raises(github3.exceptions.AuthenticationFailed) as caught:
        gh.authorize(*HUBOT, ["repo"], note="no code")

    assert caught.value.code == 401
    assert caught.value.msg == OTP_REQUIRED
    assert caught.value.response.headers["X-GitHub-OTP"] == "required; app"
    assert ghe.store.authorizations() == []


def test_github3_two_factor_callback_answers_the_challenge(ghe: LiveGHE):
    asked = []

    def code() -> str:
        asked.append(1)
        return ghe.store.otp("hubot")

    gh = github3.enterprise_login(*HUBOT, url=ghe.root_url, two_factor_callback=code)

    auth = gh.authorize(*HUBOT, ["repo"], note="hubot laptop")
    listed = [a.note for a in gh.authorizations()]

    assert TOKEN.match(auth.token)
    assert listed == ["hubot laptop"]
    # One challenge per request: github3 retries each with a fresh code from the callback.
    assert len(asked) == 2
    assert ghe.store.authorization_by_token(auth.token).note == "hubot laptop"


def test_github3_sms_user_gets_the_code_texted_by_the_create_request(ghe: LiveGHE):
    def texted_code() -> str:
        # The SMS user reads the code GHE just "texted"; none exists before the challenge.
        return ghe.store.sms_codes["monalisa"][-1]

    gh = github3.enterprise_login(*MONALISA, url=ghe.root_url, two_factor_callback=texted_code)

    auth = gh.authorize(*MONALISA, ["user"], note="mona cli")

    assert TOKEN.match(auth.token)
    assert len(ghe.store.sms_codes["monalisa"]) == 1
    assert ghe.store.authorization_by_token(auth.token).scopes == ("user",)


def test_github3_lists_gets_updates_and_deletes(ghe: LiveGHE):
    store = ghe.store
    first = store.add_authorization("octocat", scopes=["repo"], note="first")
    second = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"])
    store.add_authorization("hubot", scopes=["repo"], note="not octocat's")
    gh = github3.GitHubEnterprise(ghe.root_url, *OCTOCAT)

    listed = list(gh.authorizations())
    assert [(a.id, a.token) for a in listed] == [(first.id, ""), (second.id, "")]
    assert [a.token_last_eight for a in listed] == [first.token[-8:], second.token[-8:]]

    auth = gh.authorization(first.id)
    assert auth.token == "" and auth.scopes == ["repo"]

    # github3 updates with POST to the resource URL; GHE took it as PATCH.
    assert auth.add_scopes(["gist", "user"]) is True
    assert auth.scopes == ["repo", "gist", "user"]
    assert store.authorization(first.id).scopes == ("repo", "gist", "user")

    assert auth.replace_scopes(["read:org"], note="renamed") is True
    assert (auth.scopes, auth.note) == (["read:org"], "renamed")
    assert store.authorization(first.id).note == "renamed"

    # github3 sends the legacy key `rm_scopes`, which GHE 2.18 ignored: nothing changes.
    assert auth.remove_scopes(["read:org"]) is True
    assert auth.scopes == ["read:org"]
    assert store.authorization(first.id).scopes == ("read:org",)

    assert auth.delete() is True
    assert store.authorization(first.id) is None
    with pytest.raises(github3.exceptions.NotFoundError):
        gh.authorization(first.id)
    assert [a.id for a in gh.authorizations()] == [second.id]


def test_github3_lists_every_page(ghe: LiveGHE):
    made = [ghe.store.add_authorization("octocat", scopes=[], note=f"token {n}") for n in range(5)]
    gh = github3.GitHubEnterprise(ghe.root_url, *OCTOCAT)

    iterator = gh.authorizations()
    iterator.params["per_page"] = 2  # follow the Link header over three pages

    assert [a.id for a in iterator] == [a.id for a in made]


def test_github3_token_login_cannot_manage_tokens(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token
    gh = github3.GitHubEnterprise(ghe.root_url, token=token)

    assert gh.me().login == "octocat"
    with pytest.raises(github3.exceptions.ForbiddenError) as caught:
        list(gh.authorizations())

    assert caught.value.msg == BASIC_AUTH_ONLY


def test_github3_app_checks_and_revokes_its_token(ghe: LiveGHE):
    auth = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    other = ghe.store.add_authorization("octocat", OTHER_CLIENT_ID, scopes=["repo"])
    gh = github3.GitHubEnterprise(ghe.root_url)
    gh.set_client_id(APP_CLIENT_ID, APP_SECRET)

    assert gh.check_authorization(auth.token) is True
    assert gh.check_authorization("0" * 40) is False
    assert gh.check_authorization(other.token) is False  # another app's token: 404

    assert gh.revoke_authorization(auth.token) is True
    assert gh.check_authorization(auth.token) is False
    assert ghe.store.authorization(auth.id) is None
    assert ghe.store.authorization(other.id) is not None
    assert ghe.store.grants()[0].client_id == OTHER_CLIENT_ID


def test_github3_revoke_all_is_not_a_ghe_218_endpoint(ghe: LiveGHE):
    # `DELETE /applications/:client_id/tokens` is absent from the 2.18 docs: 404, and
    # github3 reports False; every token survives.
    auth = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    gh = github3.GitHubEnterprise(ghe.root_url)
    gh.set_client_id(APP_CLIENT_ID, APP_SECRET)

    assert gh.revoke_authorizations() is False
    assert ghe.store.authorization(auth.id) is not None


# ================================================================ PyGithub


def pygithub(ghe: LiveGHE, login: str, password: str, **kwargs) -> Github:
    # PyGithub 2 waits up to a second between writes to spare github.com; not needed here.
    return Github(
        base_url=ghe.api_url,
        auth=Auth.Login(login, password),
        seconds_between_requests=0,
        seconds_between_writes=0,
        **kwargs,
    )


def test_pygithub_creates_personal_and_app_tokens(ghe: LiveGHE):
    user = pygithub(ghe, *OCTOCAT).get_user()

    personal = user.create_authorization(
        scopes=["repo", "read:org"], note="pygithub", note_url="http://example.com/pg"
    )
    for_app = user.create_authorization(
        scopes=["gist"], client_id=APP_CLIENT_ID, client_secret=APP_SECRET
    )

    assert TOKEN.match(personal.token) and TOKEN.match(for_app.token)
    assert personal.scopes == ["repo", "read:org"]
    assert (personal.note, personal.note_url) == ("pygithub", "http://example.com/pg")
    assert (personal.app.name, personal.app.url) == ("pygithub", "http://example.com/pg")
    assert personal.url == f"{ghe.api_url}/authorizations/{personal.id}"
    assert (for_app.app.name, for_app.app.url, for_app.note) == (APP_NAME, APP_URL, None)
    assert [a.id for a in ghe.store.authorizations()] == [personal.id, for_app.id]
    assert ghe.store.authorization(for_app.id).client_id == APP_CLIENT_ID


def test_pygithub_personal_token_needs_a_unique_note(ghe: LiveGHE):
    user = pygithub(ghe, *OCTOCAT).get_user()
    user.create_authorization(scopes=["repo"], note="taken")

    with pytest.raises(GithubException) as missing:
        user.create_authorization(scopes=["repo"])
    with pytest.raises(GithubException) as duplicate:
        user.create_authorization(scopes=["repo"], note="taken")

    assert missing.value.status == 422
    assert missing.value.data["errors"] == [
        {"resource": "OauthAccess", "code": "missing_field", "field": "description"}
    ]
    assert duplicate.value.data["errors"] == [
        {"resource": "OauthAccess", "code": "already_exists", "field": "description"}
    ]
    assert len(ghe.store.authorizations()) == 1


def test_pygithub_two_factor_challenge_then_onetime_password(ghe: LiveGHE):
    user = pygithub(ghe, *HUBOT).get_user()

    with pytest.raises(TwoFactorException) as challenged:
        user.create_authorization(scopes=["repo"], note="hubot")
    with pytest.raises(TwoFactorException):
        user.create_authorization(scopes=["repo"], note="hubot", onetime_password="000000")
    created = user.create_authorization(
        scopes=["repo"], note="hubot", onetime_password=ghe.store.otp("hubot")
    )

    assert challenged.value.status == 401
    assert challenged.value.data["message"] == OTP_REQUIRED
    assert challenged.value.headers["x-github-otp"] == "required; app"
    assert TOKEN.match(created.token)
    assert [a.note for a in ghe.store.authorizations()] == ["hubot"]


def test_pygithub_wrong_password_is_bad_credentials(ghe: LiveGHE):
    user = pygithub(ghe, "octocat", "not-the-password").get_user()

    with pytest.raises(BadCredentialsException) as caught:
        user.create_authorization(scopes=["repo"], note="x")

    assert caught.value.status == 401
    assert "x-github-otp" not in caught.value.headers
    assert ghe.store.authorizations() == []


def test_pygithub_pages_through_authorizations(ghe: LiveGHE):
    made = [ghe.store.add_authorization("octocat", note=f"token {n}") for n in range(5)]
    user = pygithub(ghe, *OCTOCAT, per_page=2).get_user()

    listed = user.get_authorizations()

    assert [a.id for a in listed] == [a.id for a in made]
    assert all(a.token == "" for a in listed)
    assert listed.totalCount == 5  # read from the Link header's rel="last"


def test_pygithub_gets_edits_and_deletes(ghe: LiveGHE):
    made = ghe.store.add_authorization("octocat", scopes=["repo"], note="editable")
    user = pygithub(ghe, *OCTOCAT).get_user()

    auth = user.get_authorization(made.id)
    assert (auth.token, auth.scopes, auth.note) == ("", ["repo"], "editable")

    auth.edit(add_scopes=["gist"])
    assert auth.scopes == ["repo", "gist"]
    auth.edit(remove_scopes=["repo"])
    assert auth.scopes == ["gist"]
    auth.edit(scopes=["user", "repo"], note="edited", note_url="http://example.com/e")
    assert (auth.scopes, auth.note, auth.note_url) == (
        ["user", "repo"],
        "edited",
        "http://example.com/e",
    )
    stored = ghe.store.authorization(made.id)
    assert (stored.scopes, stored.note, stored.note_url) == (
        ("user", "repo"),
        "edited",
        "http://example.com/e",
    )

    with pytest.raises(GithubException) as conflicting:
        auth.edit(scopes=["repo"], add_scopes=["gist"])
    assert conflicting.value.status == 422
    assert ghe.store.authorization(made.id).scopes == ("user", "repo")

    auth.delete()
    assert ghe.store.authorization(made.id) is None
    with pytest.raises(UnknownObjectException):
        user.get_authorization(made.id)


def test_pygithub_token_reads_user_and_scopes_but_cannot_list_tokens(ghe: LiveGHE):
    made = ghe.store.add_authorization("octocat", scopes=["repo", "user:email"], note="ci")
    gh = Github(base_url=ghe.api_url, auth=Auth.Token(made.token), seconds_between_requests=0)

    me = gh.get_user()
    assert me.login == "octocat"
    assert gh.oauth_scopes == ["repo", "user:email"]

    with pytest.raises(GithubException) as caught:
        list(me.get_authorizations())
    assert caught.value.status == 403
    assert caught.value.data["message"] == BASIC_AUTH_ONLY

    ghe.store.delete_authorization(ghe.store.user("octocat"), made.id)
    with pytest.raises(BadCredentialsException):
        Github(base_url=ghe.api_url, auth=Auth.Token(made.token)).get_user().login  # noqa: B018


# ================================================================ ghapi


def ghapi(ghe: LiveGHE, login: str, password: str) -> GhApi:
    api = GhApi(gh_host=ghe.api_url)
    api.headers["Authorization"] = basic(login, password)
    return api


def test_ghapi_create_list_get_update_delete(ghe: LiveGHE):
    api = ghapi(ghe, *OCTOCAT)
    routes = api.oauth_authorizations

    created = routes.create_authorization(scopes=["repo"], note="ghapi", fingerprint="laptop")
    assert TOKEN.match(created.token)
    assert created.fingerprint == "laptop"
    assert api.recv_hdrs["Location"] == f"{ghe.api_url}/authorizations/{created.id}"

    assert [(a.id, a.token) for a in routes.list_authorizations()] == [(created.id, "")]
    assert routes.get_authorization(created.id).token_last_eight == created.token[-8:]

    assert routes.update_authorization(created.id, add_scopes=["gist"]).scopes == ["repo", "gist"]
    assert routes.update_authorization(created.id, remove_scopes=["repo"]).scopes == ["gist"]
    updated = routes.update_authorization(created.id, scopes=["user"], note="renamed")
    assert (updated.scopes, updated.note, updated.token) == (["user"], "renamed", "")
    assert ghe.store.authorization(created.id).scopes == ("user",)

    routes.delete_authorization(created.id)
    assert ghe.store.authorization(created.id) is None
    with pytest.raises(HTTP4xxClientError) as caught:
        routes.get_authorization(created.id)
    assert caught.value.code == 404


def test_ghapi_get_or_create_by_client_and_fingerprint(ghe: LiveGHE):
    api = ghapi(ghe, *OCTOCAT)
    routes = api.oauth_authorizations

    new = routes.get_or_create_authorization_for_app(
        APP_CLIENT_ID, client_secret=APP_SECRET, scopes=["repo"], note="for app"
    )
    assert TOKEN.match(new.token)
    assert api.recv_hdrs["Location"] == new.url

    again = routes.get_or_create_authorization_for_app(
        APP_CLIENT_ID, client_secret=APP_SECRET, scopes=["gist"], note="ignored"
    )
    assert (again.id, again.token, again.scopes, again.note) == (new.id, "", ["repo"], "for app")
    assert "Location" not in api.recv_hdrs

    by_print = routes.get_or_create_authorization_for_app_and_fingerprint(
        APP_CLIENT_ID, "desktop", client_secret=APP_SECRET, scopes=["user"]
    )
    assert by_print.id != new.id and TOKEN.match(by_print.token)
    assert by_print.fingerprint == "desktop"
    same_print = routes.get_or_create_authorization_for_app_and_fingerprint(
        APP_CLIENT_ID, "desktop", client_secret=APP_SECRET, scopes=["user"]
    )
    assert (same_print.id, same_print.token) == (by_print.id, "")

    with pytest.raises(HTTP4xxClientError) as caught:
        routes.get_or_create_authorization_for_app(APP_CLIENT_ID, client_secret=OTHER_SECRET)
    assert caught.value.code == 422

    tokens = ghe.store.authorizations()
    assert [(a.client_id, a.fingerprint) for a in tokens] == [
        (APP_CLIENT_ID, None),
        (APP_CLIENT_ID, "desktop"),
    ]
    [grant] = ghe.store.grants()
    assert ghe.store.grant_scopes(grant) == ["repo", "user"]


def test_ghapi_grants_list_get_and_delete(ghe: LiveGHE):
    store = ghe.store
    store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"], fingerprint="two")
    other = store.add_authorization("octocat", OTHER_CLIENT_ID, scopes=["user"])
    personal = store.add_authorization("octocat", scopes=["repo"], note="mine")
    routes = ghapi(ghe, *OCTOCAT).oauth_authorizations

    grants = routes.list_grants()
    # One entry per OAuth app; personal tokens are not grants.
    assert [(g.app.client_id, g.scopes) for g in grants] == [
        (APP_CLIENT_ID, ["repo", "gist"]),
        (OTHER_CLIENT_ID, ["user"]),
    ]
    first = routes.get_grant(grants[0].id)
    assert first.url == f"{ghe.api_url}/applications/grants/{grants[0].id}"
    assert dict(first.app) == {"client_id": APP_CLIENT_ID, "name": APP_NAME, "url": APP_URL}

    routes.delete_grant(grants[0].id)

    assert [a.id for a in store.authorizations()] == [other.id, personal.id]
    assert [g.client_id for g in store.grants()] == [OTHER_CLIENT_ID]
    assert [g.app.client_id for g in routes.list_grants()] == [OTHER_CLIENT_ID]
    with pytest.raises(HTTP4xxClientError) as caught:
        routes.get_grant(grants[0].id)
    assert caught.value.code == 404


def test_ghapi_two_factor_with_otp_header(ghe: LiveGHE):
    routes = ghapi(ghe, *HUBOT).oauth_authorizations

    with pytest.raises(HTTP4xxClientError) as caught:
        routes.create_authorization(scopes=["repo"], note="hubot ghapi")
    assert caught.value.code == 401
    assert caught.value.hdrs["X-GitHub-OTP"] == "required; app"

    created = routes.create_authorization(
        scopes=["repo"], note="hubot ghapi", headers={"X-GitHub-OTP": ghe.store.otp("hubot")}
    )
    assert TOKEN.match(created.token)
    assert ghe.store.authorization(created.id).note == "hubot ghapi"


# ================================================================ httpx: the app endpoints


def test_httpx_app_reset_rotates_the_token(ghe: LiveGHE):
    auth = ghe.store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"], note="app")
    old = auth.token
    with httpx.Client(base_url=ghe.api_url, auth=(APP_CLIENT_ID, APP_SECRET)) as app:
        checked = app.get(f"/applications/{APP_CLIENT_ID}/tokens/{old}")
        reset = app.post(f"/applications/{APP_CLIENT_ID}/tokens/{old}")
        old_checked = app.get(f"/applications/{APP_CLIENT_ID}/tokens/{old}")

    assert checked.status_code == 200
    assert checked.json()["token"] == old and checked.json()["user"]["login"] == "octocat"
    assert reset.status_code == 200
    body = reset.json()
    assert (body["id"], body["url"]) == (auth.id, f"{ghe.api_url}/authorizations/{auth.id}")
    assert TOKEN.match(body["token"]) and body["token"] != old
    assert body["token_last_eight"] == body["token"][-8:]
    assert old_checked.status_code == 404
    assert ghe.store.authorization_by_token(old) is None
    assert ghe.store.authorization_by_token(body["token"]).id == auth.id

    with httpx.Client(base_url=ghe.api_url) as client:
        assert client.get("/user", headers={"Authorization": f"token {old}"}).status_code == 401
        fresh = client.get("/user", headers={"Authorization": f"token {body['token']}"})
    assert fresh.status_code == 200 and fresh.headers["X-OAuth-Scopes"] == "repo"


def test_httpx_app_revokes_a_token_and_a_grant(ghe: LiveGHE):
    store = ghe.store
    one = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"])
    two = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"], fingerprint="2")
    three = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["gist"], fingerprint="3")
    hubots = store.add_authorization("hubot", APP_CLIENT_ID, scopes=["repo"])
    with httpx.Client(base_url=ghe.api_url, auth=(APP_CLIENT_ID, APP_SECRET)) as app:
        revoked = app.delete(f"/applications/{APP_CLIENT_ID}/tokens/{one.token}")
        grant_revoked = app.delete(f"/applications/{APP_CLIENT_ID}/grants/{two.token}")
        other_app = app.delete(f"/applications/{OTHER_CLIENT_ID}/tokens/{hubots.token}")

    assert (revoked.status_code, revoked.content) == (204, b"")
    assert (grant_revoked.status_code, grant_revoked.content) == (204, b"")
    assert other_app.status_code == 404  # credentials of another app than the path's
    # The grant took every octocat token of the app with it; hubot's grant is untouched.
    assert [a.id for a in store.authorizations()] == [hubots.id]
    assert three.id not in {a.id for a in store.authorizations()}
    assert [g.user_id for g in store.grants()] == [store.user("hubot").id]
    with httpx.Client(base_url=ghe.api_url, auth=OCTOCAT) as user:
        assert user.get(f"/authorizations/{one.id}").status_code == 404
        assert user.get("/applications/grants").json() == []


def test_httpx_two_factor_flow_as_documented(ghe: LiveGHE):
    body = {"scopes": ["public_repo"], "note": "test"}
    with httpx.Client(base_url=ghe.api_url, auth=HUBOT) as client:
        challenge = client.post("/authorizations", json=body)
        created = client.post(
            "/authorizations", json=body, headers={"X-GitHub-OTP": ghe.store.otp("hubot")}
        )

    assert challenge.status_code == 401
    assert challenge.headers["X-GitHub-OTP"] == "required; app"
    assert challenge.json()["message"] == OTP_REQUIRED
    assert created.status_code == 201
    assert created.headers["Location"] == created.json()["url"]
    assert ghe.store.authorization_by_token(created.json()["token"]).note == "test"
