"""Wire details clients lean on: pagination, the Link header, conditional GETs, and that no
request, however odd, makes the fake answer 500.
"""

from __future__ import annotations

import pytest

from fake_ghe import Store

from .conftest import API, APP_CLIENT_ID, DOCS, OCTOCAT, OTHER_CLIENT_ID
from .support import Api, basic

LAST_MODIFIED_T0 = "Sun, 01 Sep 2019 12:00:00 GMT"


def link(path: str, query: str, rel: str) -> str:
    return f'<{API}{path}?{query}>; rel="{rel}"'


def follow(api, answer, rel: str):
    """GET the ``rel`` link of ``answer`` as the client would (same credentials)."""
    for part in answer.headers["Link"].split(", "):
        url, _, kind = part.partition("; ")
        if kind == f'rel="{rel}"':
            return api.get(url[1:-1].removeprefix(API), auth=OCTOCAT)
    raise AssertionError(f"no rel={rel} in {answer.headers['Link']}")


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer
    return [item["id"] for item in answer.json()]


@pytest.fixture
def tokens(store: Store) -> list[int]:
    """65 tokens of octocat, personal and app tokens interleaved; their ids in list order."""
    personal, app = [], []
    for n in range(65):
        if n % 2:
            fingerprint = f"fp{n}"
            auth = store.add_authorization("octocat", APP_CLIENT_ID, fingerprint=fingerprint)
            app.append((fingerprint, auth.id))
        else:
            personal.append(store.add_authorization("octocat", note=f"token {n}").id)
    # Personal tokens first, then the app's, ordered by fingerprint ("fp11" before "fp3"), as
    # the recorded lists show (tests/test_recordings.py, okrb18.list_page1).
    return personal + [auth_id for _, auth_id in sorted(app)]


@pytest.fixture
def many_apps(store: Store) -> list[int]:
    """Grants of octocat for seven apps; their grant ids in order."""
    client_ids = [APP_CLIENT_ID, OTHER_CLIENT_ID]
    client_ids += [store.add_app(f"app {n}").client_id for n in range(5)]
    return [
        store.grant_for(store.add_authorization("octocat", client_id)).id
        for client_id in client_ids
    ]


# ---------------------------------------------------------------- pagination


def test_list_is_personal_first_then_apps_in_order_then_fingerprint_then_id(api, store):
    # The recorded order (okrb18.list_page1, hub4j.list_my_authorizations, zh19.authorizations):
    # personal tokens first; one group per app, in the order the apps were registered, not
    # by their lowest token id; inside a group by fingerprint, null first, then by id.
    o1 = store.add_authorization("octocat", OTHER_CLIENT_ID).id
    a1 = store.add_authorization("octocat", APP_CLIENT_ID, fingerprint="b").id
    p1 = store.add_authorization("octocat", note="one").id
    a2 = store.add_authorization("octocat", APP_CLIENT_ID, fingerprint="a").id
    p2 = store.add_authorization("octocat", note="two").id
    o2 = store.add_authorization("octocat", OTHER_CLIENT_ID, fingerprint="x").id
    a3 = store.add_authorization("octocat", APP_CLIENT_ID).id

    assert ids(api.get("/authorizations", auth=OCTOCAT)) == [p1, p2, a3, a2, a1, o1, o2]


def test_list_order_follows_a_changed_fingerprint(api, store):
    first = store.add_authorization("octocat", APP_CLIENT_ID, fingerprint="a").id
    second = store.add_authorization("octocat", APP_CLIENT_ID, fingerprint="b").id
    patched = api.patch(f"/authorizations/{first}", auth=OCTOCAT, json_body={"fingerprint": "c"})
    assert patched.status_code == 200

    assert ids(api.get("/authorizations", auth=OCTOCAT)) == [second, first]


def test_first_middle_and_last_page_with_default_per_page(api, tokens):
    path = "/authorizations"

    first = api.get(path, auth=OCTOCAT)
    assert ids(first) == tokens[:30]
    assert first.headers["Link"] == ", ".join(
        [link(path, "page=2", "next"), link(path, "page=3", "last")]
    )

    middle = api.get(f"{path}?page=2", auth=OCTOCAT)
    assert ids(middle) == tokens[30:60]
    assert middle.headers["Link"] == ", ".join(
        [
            link(path, "page=1", "prev"),
            link(path, "page=3", "next"),
            link(path, "page=3", "last"),
            link(path, "page=1", "first"),
        ]
    )

    last = api.get(f"{path}?page=3", auth=OCTOCAT)
    assert ids(last) == tokens[60:]
    assert last.headers["Link"] == ", ".join(
        [link(path, "page=2", "prev"), link(path, "page=1", "first")]
    )


def test_pages_cover_every_token_once(api, tokens):
    seen = []
    for page in range(1, 8):
        seen += ids(api.get(f"/authorizations?per_page=10&page={page}", auth=OCTOCAT))

    assert seen == tokens


def test_no_link_when_everything_fits(api, tokens):
    answer = api.get("/authorizations?per_page=65", auth=OCTOCAT)

    assert ids(answer) == tokens
    assert "Link" not in answer.headers


def test_no_link_for_an_empty_list(api):
    answer = api.get("/authorizations", auth=OCTOCAT)

    assert (answer.status_code, answer.json()) == (200, [])
    assert "Link" not in answer.headers


def test_page_beyond_the_end_is_empty(api, tokens):
    path = "/authorizations"

    answer = api.get(f"{path}?page=9", auth=OCTOCAT)

    assert (answer.status_code, answer.json()) == (200, [])
    # [decision] prev points at the real last page rather than at page 8, which is empty too.
    assert answer.headers["Link"] == ", ".join(
        [link(path, "page=3", "prev"), link(path, "page=1", "first")]
    )


def test_per_page_is_capped_at_100(api, store, tokens):
    for n in range(40):
        store.add_authorization("octocat", note=f"more {n}")
    path = "/authorizations"

    answer = api.get(f"{path}?per_page=500", auth=OCTOCAT)

    assert len(answer.json()) == 100
    assert answer.headers["Link"] == ", ".join(
        [link(path, "per_page=500&page=2", "next"), link(path, "per_page=500&page=2", "last")]
    )


JUNK_PAGING = [
    # (query, page used, per_page used)
    ("per_page=abc", 1, 30),
    ("per_page=0", 1, 30),
    ("per_page=-5", 1, 30),
    ("per_page=", 1, 30),
    ("per_page=2.5", 1, 30),
    ("page=abc", 1, 30),
    ("page=0", 1, 30),
    ("page=-1", 1, 30),
    ("page=two&per_page=x", 1, 30),
    ("page=2&per_page=oops", 2, 30),
    ("page=nope&per_page=20", 1, 20),
]


def test_junk_paging_values_fall_back_to_defaults(api, tokens):
    for query, page, per_page in JUNK_PAGING:
        answer = api.get(f"/authorizations?{query}", auth=OCTOCAT)

        start = (page - 1) * per_page
        assert ids(answer) == tokens[start : start + per_page], query
        # The links echo the query as sent, so following "next" pages on the same way.
        following = follow(api, answer, "next")
        assert ids(following) == tokens[start + per_page : start + 2 * per_page], query


def test_link_keeps_other_query_arguments(api, tokens):
    path = "/authorizations"

    answer = api.get(f"{path}?client_id=abc&per_page=50&sort=x", auth=OCTOCAT)

    assert answer.headers["Link"] == ", ".join(
        [
            link(path, "client_id=abc&per_page=50&sort=x&page=2", "next"),
            link(path, "client_id=abc&per_page=50&sort=x&page=2", "last"),
        ]
    )


def test_link_uses_the_configured_hostname_over_any_transport(api, tokens):
    # Over a socket the request goes to 127.0.0.1:PORT; links still name the GHE host.
    answer = api.get("/authorizations", auth=OCTOCAT)

    for part in answer.headers["Link"].split(", "):
        assert part.startswith(f"<{API}/authorizations?")


def test_grants_paginate_in_creation_order(api, many_apps):
    path = "/applications/grants"

    pages = [api.get(f"{path}?per_page=3&page={n}", auth=OCTOCAT) for n in (1, 2, 3, 4)]

    assert [ids(page) for page in pages] == [many_apps[:3], many_apps[3:6], many_apps[6:], []]
    assert pages[0].headers["Link"] == ", ".join(
        [link(path, "per_page=3&page=2", "next"), link(path, "per_page=3&page=3", "last")]
    )
    assert pages[1].headers["Link"] == ", ".join(
        [
            link(path, "per_page=3&page=1", "prev"),
            link(path, "per_page=3&page=3", "next"),
            link(path, "per_page=3&page=3", "last"),
            link(path, "per_page=3&page=1", "first"),
        ]
    )
    assert pages[2].headers["Link"] == ", ".join(
        [link(path, "per_page=3&page=2", "prev"), link(path, "per_page=3&page=1", "first")]
    )
    everything = api.get(path, auth=OCTOCAT)
    assert ids(everything) == many_apps
    assert "Link" not in everything.headers


def test_grant_page_far_beyond_the_end(api, many_apps):
    answer = api.get("/applications/grants?page=99999999999999999999999", auth=OCTOCAT)

    assert (answer.status_code, answer.json()) == (200, [])


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


# ---------------------------------------------------------------- no 500, whatever comes in

B64_LATIN1 = "Basic b2N0b2NhdDr/"  # octocat:\xff, not UTF-8

# (method, path, headers, body, status): odd requests clients or attackers really send.
ODD_REQUESTS = [
    # The API root answers its document (the 2.18 docs' samples start there); a method it
    # lacks is 404 like anywhere else.
    ("GET", "/", {}, None, 200),
    ("GET", "", {}, None, 200),
    ("DELETE", "/", {}, None, 404),
    ("GET", "/authorizations/abc", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/-1", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/99999999999999999999999999", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations/%ff", {"auth": OCTOCAT}, None, 404),
    ("GET", "/authorizations?page=99999999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/authorizations?per_page=99999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/applications/grants?page=-99999999999999999999", {"auth": OCTOCAT}, None, 200),
    ("GET", "/applications/grants/0", {"auth": OCTOCAT}, None, 404),
    ("GET", "/applications//tokens/x", {}, None, 404),
    ("GET", f"/applications/{APP_CLIENT_ID}/tokens/%ff%00", {}, None, 404),
    ("PATCH", "/authorizations", {"auth": OCTOCAT}, b"{}", 404),
    ("PUT", "/meta", {}, None, 404),
    ("BREW", "/authorizations", {"auth": OCTOCAT}, None, 404),
    ("TRACE", "/user", {"auth": OCTOCAT}, None, 404),
    ("OPTIONS", "/authorizations", {"auth": OCTOCAT}, None, 404),
    ("GET", "/user", {"Authorization": "Basic \u00e9\u00e9"}, None, 401),
    ("GET", "/authorizations", {"Authorization": "Basic \u00e9\u00e9"}, None, 401),
    ("GET", "/user", {"Authorization": B64_LATIN1}, None, 401),
    ("GET", "/user", {"Authorization": "token " + "a" * 5000}, None, 401),
    ("GET", "/user", {"Authorization": "Bearer \u00ff\u00fe"}, None, 401),
    ("GET", "/user", {"Authorization": "Negotiate abc"}, None, 401),
    ("GET", "/user", {"auth": ("hubot", "hubot-pass"), "X-GitHub-OTP": "9" * 400}, None, 401),
    ("GET", "/user", {"auth": ("hubot", "hubot-pass"), "X-GitHub-OTP": "\u00e9"}, None, 401),
    ("GET", "/user", {"auth": OCTOCAT, "If-Modified-Since": "\u00e9"}, None, 200),
    ("GET", "/user", {"auth": OCTOCAT, "If-None-Match": ","}, None, 200),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"[" * 100_000, 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"\xff\xfe\x00", 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "\\ud800"}', 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": 1e999}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "scopes": [1]}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "scopes": {"a": 1}}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": {"a": 1}}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'{"note": "x", "client_id": 7}', 422),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b"NaN", 400),
    ("POST", "/authorizations", {"auth": OCTOCAT}, b'"just a string"', 400),
    (
        "POST",
        "/authorizations",
        {"auth": OCTOCAT, "Content-Type": "multipart/form-data; boundary=x"},
        b"--x\r\n",
        400,
    ),
    ("POST", "/authorizations", {"auth": OCTOCAT, "Content-Encoding": "gzip"}, b"junk", 400),
    ("PUT", "/authorizations/clients/x/" + "f" * 3000, {"auth": OCTOCAT}, b"{}", 422),
    (
        "PUT",
        f"/authorizations/clients/{APP_CLIENT_ID}",
        {"auth": OCTOCAT},
        b'{"client_secret": ["x"]}',
        422,
    ),
    ("PATCH", "/authorizations/1", {"auth": OCTOCAT}, b'{"scopes": 5}', 404),
]


def _problems(answer, method: str, status: int) -> str | None:
    """What is wrong with one answer to an odd request, or None."""
    if answer.status_code != status:
        return f"status {answer.status_code}, wanted {status}: {answer.content[:120]!r}"
    if method == "HEAD" or status < 400:
        return None
    if answer.headers.get("Content-Type") != "application/json; charset=utf-8":
        return f"content type {answer.headers.get('Content-Type')!r}"
    error = answer.json()
    if not (isinstance(error.get("message"), str) and error["message"]):
        return f"no message in {error}"
    if list(error)[-1] != "documentation_url" or not error["documentation_url"].startswith(DOCS):
        return f"no GHE documentation_url last in {error}"
    return None


def test_odd_requests_never_give_500(api: Api, flask_app):
    problems = []
    for method, path, headers, body, status in ODD_REQUESTS:
        headers = dict(headers)
        auth = headers.pop("auth", None)
        if auth:
            headers.update(basic(*auth))

        answer = api.request(method, path, headers=headers, data=body)

        problem = _problems(answer, method, status)
        if problem:
            problems.append(f"{method} {path[:60]}: {problem}")

    assert problems == []
    assert flask_app.extensions["fake_ghe"].errors == []


def test_a_refused_body_leaves_the_list_usable(api: Api):
    # A lone surrogate once got stored and then broke every later listing with a 500.
    refused = api.post("/authorizations", auth=OCTOCAT, data=b'{"note": "\\ud800"}')
    assert refused.status_code == 400

    listed = api.get("/authorizations", auth=OCTOCAT)

    assert (listed.status_code, listed.json()) == (200, [])
