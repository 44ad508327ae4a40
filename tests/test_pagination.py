"""Wire details clients lean on: pagination and the Link header, as GHE 2.18 sent them."""

from __future__ import annotations

import pytest

from fake_ghe import Store

from .conftest import API, APP_CLIENT_ID, OCTOCAT, OTHER_CLIENT_ID


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
