"""Wire details clients lean on: ETag, Last-Modified and conditional requests (304), as GHE 2.18
answered them.
"""

from __future__ import annotations

import pytest

from fake_ghe import Store

from .conftest import APP_CLIENT_ID, OCTOCAT

LAST_MODIFIED_T0 = "Sun, 01 Sep 2019 12:00:00 GMT"


# ---------------------------------------------------------------- conditional requests


@pytest.fixture
def token_id(store: Store) -> int:
    return store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"]).id


CACHED_PATHS = [
    "/authorizations",
    "/authorizations/1",
    "/applications/grants",
    "/applications/grants/1",
    "/user",
    "/meta",
]


def test_if_none_match_gives_304_with_an_empty_body(api, token_id):
    for path in CACHED_PATHS:
        first = api.get(path, auth=OCTOCAT)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and first.content, path

        again = api.get(path, auth=OCTOCAT, headers={"If-None-Match": etag})

        assert again.status_code == 304, path
        assert again.content == b"", path
        assert again.headers["ETag"] == etag, path


def test_if_none_match_mismatch_gives_200(api, token_id):
    for path in CACHED_PATHS:
        first = api.get(path, auth=OCTOCAT)

        answer = api.get(path, auth=OCTOCAT, headers={"If-None-Match": 'W/"0123abcd"'})

        assert answer.status_code == 200, path
        assert answer.content == first.content, path


def test_if_none_match_accepts_strong_form_and_lists(api, token_id):
    etag = api.get("/authorizations/1", auth=OCTOCAT).headers["ETag"]
    strong = etag.removeprefix("W/")

    for value in (strong, f'"nope", {etag}'):
        answer = api.get("/authorizations/1", auth=OCTOCAT, headers={"If-None-Match": value})
        assert answer.status_code == 304, value


@pytest.mark.parametrize("path", ["/authorizations/1", "/applications/grants/1"])
def test_single_resources_carry_last_modified(api, token_id, path):
    answer = api.get(path, auth=OCTOCAT)

    assert answer.headers["Last-Modified"] == LAST_MODIFIED_T0


@pytest.mark.parametrize("path", ["/authorizations", "/applications/grants"])
def test_lists_carry_no_last_modified(api, token_id, path):
    answer = api.get(path, auth=OCTOCAT)

    assert "ETag" in answer.headers
    assert "Last-Modified" not in answer.headers


@pytest.mark.parametrize("path", ["/authorizations/1", "/applications/grants/1"])
def test_if_modified_since(api, token_id, path):
    for since, status in [
        (LAST_MODIFIED_T0, 304),
        ("Sun, 01 Sep 2019 12:00:01 GMT", 304),
        ("Mon, 01 Jan 2024 00:00:00 GMT", 304),
        ("Sun, 01 Sep 2019 11:59:59 GMT", 200),
        ("not a date", 200),
    ]:
        answer = api.get(path, auth=OCTOCAT, headers={"If-Modified-Since": since})

        assert answer.status_code == status, since
        assert bool(answer.content) == (status == 200), since


def test_a_change_invalidates_etag_and_last_modified(api, clock, token_id):
    single = api.get("/authorizations/1", auth=OCTOCAT)
    listed = api.get("/authorizations", auth=OCTOCAT)
    clock.advance(120)

    patched = api.patch("/authorizations/1", auth=OCTOCAT, json_body={"add_scopes": ["gist"]})
    assert patched.status_code == 200

    fresh = api.get(
        "/authorizations/1",
        auth=OCTOCAT,
        headers={"If-None-Match": single.headers["ETag"]},
    )
    assert fresh.status_code == 200
    assert fresh.json()["scopes"] == ["repo", "gist"]
    assert fresh.headers["ETag"] != single.headers["ETag"]
    assert fresh.headers["Last-Modified"] == "Sun, 01 Sep 2019 12:02:00 GMT"
    since_old = api.get(
        "/authorizations/1",
        auth=OCTOCAT,
        headers={"If-Modified-Since": single.headers["Last-Modified"]},
    )
    assert since_old.status_code == 200
    relisted = api.get(
        "/authorizations", auth=OCTOCAT, headers={"If-None-Match": listed.headers["ETag"]}
    )
    assert relisted.status_code == 200
    grant = api.get("/applications/grants/1", auth=OCTOCAT)
    assert grant.headers["Last-Modified"] == "Sun, 01 Sep 2019 12:02:00 GMT"


def test_a_new_token_invalidates_the_list_etag(api, store, token_id):
    etag = api.get("/authorizations", auth=OCTOCAT).headers["ETag"]
    store.add_authorization("octocat", note="another")

    answer = api.get("/authorizations", auth=OCTOCAT, headers={"If-None-Match": etag})

    assert answer.status_code == 200
    assert len(answer.json()) == 2


def test_etags_differ_between_users(api, store, token_id):
    # The same path shows each user their own data; a cached copy must not cross over.
    store.add_user("mallory", "mallory-pass")
    etag = api.get("/user", auth=OCTOCAT).headers["ETag"]

    answer = api.get("/user", auth=("mallory", "mallory-pass"), headers={"If-None-Match": etag})

    assert answer.status_code == 200
    assert answer.json()["login"] == "mallory"


def test_not_modified_still_requires_authentication(api, token_id):
    etag = api.get("/authorizations/1", auth=OCTOCAT).headers["ETag"]

    answer = api.get("/authorizations/1", headers={"If-None-Match": etag})

    assert answer.status_code == 401
