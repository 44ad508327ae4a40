"""github3.py against a live fake, through the whole token lifecycle: ``authorize``,
authorization
objects, the 2FA callback, the app's check/revoke.
"""

from __future__ import annotations

from ..optional import require

require("clients", "github3")

import github3
import pytest

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
from .python_clients_support import TOKEN

PERSONAL_APP_URL = "https://developer.github.com/enterprise/2.18/v3/oauth_authorizations/"


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
