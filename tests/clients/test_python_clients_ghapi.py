"""ghapi against a live fake: the ``oauth_authorizations`` routes, including get-or-create and
grants.
"""

from __future__ import annotations

import base64

from ..optional import require

require("clients", "ghapi", "fastcore")

import pytest
from fastcore.net import HTTP4xxClientError
from ghapi.all import GhApi

from .conftest import (
    APP_CLIENT_ID,
    APP_NAME,
    APP_SECRET,
    APP_URL,
    HUBOT,
    OCTOCAT,
    OTHER_CLIENT_ID,
    OTHER_SECRET,
    LiveGHE,
)
from .python_clients_support import TOKEN


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


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
