"""Request bodies: JSON whatever the label, junk refused with the right 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import APP_CLIENT_ID, APP_SECRET, DOCS, OCTOCAT

CREATE_DOCS = f"{DOCS}/oauth_authorizations/#create-a-new-authorization"
UPDATE_DOCS = f"{DOCS}/oauth_authorizations/#update-an-existing-authorization"
PARSE_PROBLEM = {"message": "Problems parsing JSON", "documentation_url": DOCS}
NOT_AN_OBJECT = {"message": "Body should be a JSON object", "documentation_url": DOCS}
JSON_TYPE = "application/json; charset=utf-8"


@pytest.fixture(autouse=True)
def no_server_errors(flask_app: Any) -> Iterator[None]:
    yield
    assert flask_app.extensions["fake_ghe"].errors == []


def invalid(field: str, docs: str = CREATE_DOCS) -> dict[str, Any]:
    # [decision] A wrongly typed field is GHE's Rails "invalid" code on that field.
    return {
        "message": "Validation Failed",
        "errors": [{"resource": "OauthAccess", "code": "invalid", "field": field}],
        "documentation_url": docs,
    }


# Where a body is read: create, get-or-create (both paths), update (PATCH and POST).
def body_endpoints() -> list[tuple[str, str]]:
    return [
        ("POST", "/authorizations"),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}"),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}/fp"),
        ("PATCH", "/authorizations/1"),
        ("POST", "/authorizations/1"),
    ]


@pytest.fixture
def seeded(store: Any) -> Any:
    """Authorization 1 for the update endpoints; the tests check nothing else appears."""
    return store.add_authorization("octocat", note="existing", scopes=["repo"])


def state(store: Any) -> list[tuple[Any, ...]]:
    return [
        (a.id, a.note, tuple(a.scopes), a.fingerprint, a.note_url) for a in store.authorizations()
    ]


def test_body_is_json_whatever_the_label(api, store):
    labels = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=xyz",
        "application/octet-stream",
        None,
    ]
    for number, content_type in enumerate(labels, start=1):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = api.post(
            "/authorizations",
            auth=OCTOCAT,
            headers=headers,
            data=b'{"note":"labelled %d","scopes":["gist"]}' % number,
        )
        assert (content_type, answer.status_code) == (content_type, 201)
        assert answer.json()["note"] == f"labelled {number}"
    assert state(store) == [
        (number, f"labelled {number}", ("gist",), None, None)
        for number in range(1, len(labels) + 1)
    ]


def test_update_reads_a_form_labelled_body_as_json(api, seeded):
    answer = api.patch(
        "/authorizations/1",
        auth=OCTOCAT,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        data='{"add_scopes":["user"]}',
    )
    assert answer.status_code == 200
    assert answer.json()["scopes"] == ["repo", "user"]


def test_unknown_keys_are_ignored(api, store):
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={
            "note": "extra keys",
            "id": 42,
            "token": "f" * 40,
            "hashed_token": "0" * 64,
            "created_at": "2001-01-01T00:00:00Z",
            "app": {"client_id": APP_CLIENT_ID},
            "nested": {"deep": [1, {"x": None}]},
        },
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["id"], body["created_at"]) == (1, "2019-09-01T12:00:00Z")
    assert body["token"] != "f" * 40
    assert body["app"]["client_id"] == "00000000000000000000"


UNPARSEABLE = [
    b"{",
    b"{nope",
    b"note=x&scopes=repo",  # a real form body is not JSON
    b'{"note": "x",}',
    b"{'note': 'x'}",
    b'{"note": "unterminated}',
    b"\xff\xfe{\x00}\x00",
    b'{"note": "caf\xe9"}',  # latin-1, not UTF-8
    b"\xef\xbb\xbf{}",  # a byte-order mark
    b'{"note": "x"} trailing',
    b'{"note": "\\ud800"}',  # a lone surrogate cannot be sent back as UTF-8
    b'{"note": "\\udfff lone low"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
]


def test_unparseable_bodies(api, store, seeded):
    for raw in UNPARSEABLE:
        for method, path in body_endpoints():
            answer = api.request(method, path, auth=OCTOCAT, data=raw)
            assert (raw[:20], method, path, answer.status_code, answer.json()) == (
                raw[:20],
                method,
                path,
                400,
                PARSE_PROBLEM,
            )
            assert answer.headers["Content-Type"] == JSON_TYPE
    assert state(store) == [(1, "existing", ("repo",), None, None)]


def test_json_that_is_not_an_object(api, store, seeded):
    for raw in (b"[]", b'[{"note": "x"}]', b'"note"', b"42", b"3.5", b"true", b"null"):
        for method, path in body_endpoints():
            answer = api.request(method, path, auth=OCTOCAT, data=raw)
            assert (raw, method, path, answer.status_code, answer.json()) == (
                raw,
                method,
                path,
                400,
                NOT_AN_OBJECT,
            )
    assert state(store) == [(1, "existing", ("repo",), None, None)]


def test_an_empty_body_is_an_empty_object(api, store):
    # curl -X POST without -d: a personal token without its note.
    for raw in (b"", b"   ", b"\n\t\r\n"):
        answer = api.post("/authorizations", auth=OCTOCAT, data=raw)
        assert (raw, answer.status_code) == (raw, 422)
        assert answer.json()["errors"] == [
            {"resource": "OauthAccess", "code": "missing_field", "field": "description"}
        ]
    assert store.authorizations() == []


WRONG_TYPES = [
    ("note", 123),
    ("note", 1.5),
    ("note", True),
    ("note", ["a"]),
    ("note", {"text": "a"}),
    ("note_url", 7),
    ("note_url", ["http://x"]),
    ("fingerprint", 5),
    ("fingerprint", {"fp": 1}),
    ("fingerprint", False),
    ("scopes", 5),
    ("scopes", {"repo": True}),
    ("scopes", [1, 2]),
    ("scopes", ["repo", None]),
    ("scopes", [["repo"]]),
    ("scopes", ["repo", {"name": "gist"}]),
    ("scopes", True),
]


def test_wrongly_typed_fields_on_create(api, store):
    for field, value in WRONG_TYPES:
        answer = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "t", field: value})
        assert (field, value, answer.status_code, answer.json()) == (
            field,
            value,
            422,
            invalid(field),
        )
    assert store.authorizations() == []


def test_wrongly_typed_client_credentials(api, store):
    for field, value in [
        ("client_id", 12345),
        ("client_secret", ["s"]),
        ("client_id", {}),
        ("client_secret", True),
    ]:
        body = {"client_id": APP_CLIENT_ID, "client_secret": APP_SECRET, field: value}
        answer = api.post("/authorizations", auth=OCTOCAT, json_body=body)
        assert (field, value, answer.status_code, answer.json()) == (
            field,
            value,
            422,
            invalid(field),
        )
        put = api.put(
            f"/authorizations/clients/{APP_CLIENT_ID}",
            auth=OCTOCAT,
            json_body={"client_secret": value},
        )
        assert (value, put.status_code, put.json()) == (value, 422, invalid("client_secret"))
    assert store.authorizations() == []


def test_wrongly_typed_fields_on_update(api, store, seeded):
    before = state(store)
    for field, value in [
        *WRONG_TYPES,
        ("add_scopes", 3),
        ("add_scopes", [None]),
        ("remove_scopes", {"a": 1}),
        ("remove_scopes", [7]),
    ]:
        for method in ("PATCH", "POST"):
            answer = api.request(
                method, "/authorizations/1", auth=OCTOCAT, json_body={field: value}
            )
            assert (method, field, value, answer.status_code, answer.json()) == (
                method,
                field,
                value,
                422,
                invalid(field, UPDATE_DOCS),
            )
    assert state(store) == before


def test_wrongly_typed_fields_on_get_or_create(api, store):
    for field, value in [
        ("scopes", 5),
        ("scopes", [None]),
        ("note", 1),
        ("note_url", {}),
        ("fingerprint", [1]),
    ]:
        answer = api.put(
            f"/authorizations/clients/{APP_CLIENT_ID}",
            auth=OCTOCAT,
            json_body={"client_secret": APP_SECRET, field: value},
        )
        assert (field, value, answer.status_code, answer.json()) == (
            field,
            value,
            422,
            invalid(field),
        )
    assert store.authorizations() == []


def test_non_finite_numbers_are_wrong_types_not_crashes(api, store):
    for literal in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        answer = api.post("/authorizations", auth=OCTOCAT, data=b'{"note": ' + literal + b"}")
        assert (literal, answer.status_code, answer.json()) == (literal, 422, invalid("note"))
    assert store.authorizations() == []


def test_absurdly_long_number_is_a_parse_problem(api, store):
    # [decision] A 5000-digit number is past what the parser takes; junk, not a 500.
    raw = b'{"note": "x", "fingerprint": ' + b"9" * 5000 + b"}"
    answer = api.post("/authorizations", auth=OCTOCAT, data=raw)
    assert (answer.status_code, answer.json()) == (400, PARSE_PROBLEM)
    assert store.authorizations() == []


def test_nulls_mean_absent_where_a_value_is_optional(api):
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={
            "note": "nulls",
            "note_url": None,
            "fingerprint": None,
            "scopes": None,
            "client_id": None,
            "client_secret": None,
        },
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["note_url"], body["fingerprint"], body["scopes"]) == (None, None, [])


def test_unicode_round_trips_as_utf8(api, store):
    note = "café ☕ 日本語 😀 \u202e"
    answer = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={"note": note, "note_url": "https://例え.jp/パス", "fingerprint": "指紋"},
    )
    assert answer.status_code == 201
    assert answer.headers["Content-Type"] == JSON_TYPE
    assert "café ☕ 日本語 😀".encode() in answer.content  # raw UTF-8, not \\u escapes
    body = answer.json()
    assert (body["note"], body["app"]["name"]) == (note, note)
    assert body["app"]["url"] == "https://例え.jp/パス"
    fetched = api.get(f"/authorizations/{body['id']}", auth=OCTOCAT).json()
    assert (fetched["note"], fetched["fingerprint"]) == (note, "指紋")
    # A fingerprint with non-ASCII characters works in the get-or-create path too.
    found = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/指紋",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert found.status_code == 201  # an app token: the personal one is in another group
    again = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/指紋",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    )
    assert (again.status_code, again.json()["id"]) == (200, found.json()["id"])
    assert store.authorization(found.json()["id"]).fingerprint == "指紋"


def test_strings_up_to_the_limit_are_kept_whole_longer_ones_refused(api, store):
    # [decision] note, note_url and fingerprint are bounded (fake_ghe.rules.MAX_LENGTHS).
    longest = "n" * 255
    answer = api.post(
        "/authorizations", auth=OCTOCAT, json_body={"note": longest, "fingerprint": "f" * 255}
    )
    assert answer.status_code == 201
    assert answer.json()["note"] == longest
    assert store.authorization(answer.json()["id"]).fingerprint == "f" * 255

    huge = api.post(
        "/authorizations",
        auth=OCTOCAT,
        json_body={"note": "n" * 100_000, "fingerprint": "f" * 10_000},
    )
    assert huge.status_code == 422
    assert [error["field"] for error in huge.json()["errors"]] == ["description", "fingerprint"]
    assert len(store.authorizations()) == 1


def test_huge_scope_list_names_every_bad_scope(api, store):
    scopes = [f"bogus{i}" for i in range(2000)] + ["repo"]
    answer = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "x", "scopes": scopes})
    assert answer.status_code == 422
    message = answer.json()["errors"][0]["message"]
    assert message == "scopes are invalid: " + ", ".join(scopes[:-1])
    assert store.authorizations() == []


def test_duplicate_keys_take_the_last_value(api):
    answer = api.post("/authorizations", auth=OCTOCAT, data=b'{"note": "first", "note": "second"}')
    assert answer.status_code == 201
    assert answer.json()["note"] == "second"
