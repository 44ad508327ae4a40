"""Over-long note, note_url and fingerprint, on every way in.

Expected strings are spelled out from GHE_BEHAVIOR.md rather than imported from the fake, so
a wrong constant in the fake fails here instead of agreeing with itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from fake_ghe.errors import InvalidInput

from .authorizations_support import UPDATE_DOCS, error, failed, personal
from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    OCTOCAT,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


# ---------------------------------------------------------------- bounded fields


def too_long(field: str) -> dict[str, Any]:
    return error("custom", field, f"{field} is too long (maximum is 255 characters)")


def test_over_long_note_note_url_and_fingerprint_are_refused_on_create(api, store):
    body = {"note": "n" * 256, "note_url": "https://x.example/" + "u" * 300}
    body["fingerprint"] = "f" * 256

    answer = api.post("/authorizations", auth=OCTOCAT, json_body=body)

    assert answer.status_code == 422
    assert answer.json() == failed(
        too_long("description"), too_long("note_url"), too_long("fingerprint")
    )
    assert store.authorizations() == []
    # 255 characters are fine.
    assert personal(api, "n" * 255, note_url="u" * 255, fingerprint="f" * 255)["note"] == "n" * 255


def test_over_long_fields_are_refused_by_get_or_create(api, store):
    path = f"/authorizations/clients/{APP_CLIENT_ID}"
    secret = {"client_secret": APP_SECRET}

    in_path = api.put(f"{path}/{'f' * 256}", auth=OCTOCAT, json_body=secret)
    in_body = api.put(path, auth=OCTOCAT, json_body={**secret, "note": "n" * 256})

    assert (in_path.status_code, in_path.json()) == (422, failed(too_long("fingerprint")))
    assert (in_body.status_code, in_body.json()) == (422, failed(too_long("description")))
    assert store.authorizations() == []


def test_over_long_fields_are_refused_by_update_and_nothing_changes(api, store):
    created = personal(api, "short", note_url="https://a.example")

    answer = api.patch(
        f"/authorizations/{created['id']}",
        auth=OCTOCAT,
        json_body={"note": "n" * 256, "note_url": "u" * 256, "add_scopes": ["repo"]},
    )

    assert answer.status_code == 422
    assert answer.json() == failed(too_long("description"), too_long("note_url"), docs=UPDATE_DOCS)
    kept = store.authorization(created["id"])
    assert (kept.note, kept.note_url, kept.scopes) == ("short", "https://a.example", ())


def test_seeding_has_the_same_limits_as_the_api(store):
    with pytest.raises(InvalidInput) as refused:
        store.add_authorization("octocat", note="n" * 256)
    message = refused.value.problems[0].message
    assert message == "description is too long (maximum is 255 characters)"
    assert store.add_authorization("octocat", note="n" * 255).note == "n" * 255


def test_note_url_need_not_be_a_uri(api):
    # [decision] GitHub stored and echoed note_url "" (g3py.add_scopes, hub4j.2fa_sms_token),
    # which is no URI, and no recording shows a note_url refused: any string is kept.
    body = personal(api, "free text", note_url="this is a test token created by a unit test")
    assert body["note_url"] == "this is a test token created by a unit test"
