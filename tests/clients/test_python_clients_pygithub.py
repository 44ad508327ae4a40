"""PyGithub against a live fake, through the whole token lifecycle: Basic auth,
``create_authorization`` with ``onetime_password``, pagination.
"""

from __future__ import annotations

from ..optional import require

require("clients", "github")

import pytest
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
    OCTOCAT,
    OTP_REQUIRED,
    LiveGHE,
)
from .python_clients_support import TOKEN

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
