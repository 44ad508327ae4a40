"""The user endpoints' wire conventions (headers, compact JSON, key order), and a call journal
that never holds a secret.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fake_ghe import Store

from .auth_support import code, otp, raw_auth
from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    HUBOT,
    MONALISA,
    OCTOCAT,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


JSON_TYPE = "application/json; charset=utf-8"


# ---------------------------------------------------------------- wire conventions


def answers_of_every_kind(api: Any, store: Store) -> list[tuple[str, Any]]:
    """One answer per status the user endpoints give: 200 201 204 400 401 403 404 422."""
    live = store.add_authorization("octocat", APP_CLIENT_ID, note="seeded").token
    return [
        ("200 list", api.get("/authorizations", auth=OCTOCAT)),
        ("200 get", api.get("/authorizations/1", auth=OCTOCAT)),
        ("200 patch", api.patch("/authorizations/1", auth=OCTOCAT, json_body={"note": "n"})),
        (
            "200 put",
            api.put(
                f"/authorizations/clients/{APP_CLIENT_ID}",
                auth=OCTOCAT,
                json_body={"client_secret": APP_SECRET},
            ),
        ),
        ("200 grants", api.get("/applications/grants", auth=OCTOCAT)),
        ("201 post", api.post("/authorizations", auth=OCTOCAT, json_body={"note": "x"})),
        ("204 delete", api.delete("/authorizations/2", auth=OCTOCAT)),
        ("400 json", api.post("/authorizations", auth=OCTOCAT, data="{nope")),
        ("401 none", api.get("/authorizations")),
        ("401 bad", api.get("/authorizations", auth=("octocat", "no"))),
        ("401 otp", api.get("/authorizations", auth=HUBOT)),
        ("403 token", api.get("/authorizations", headers=raw_auth(f"token {live}"))),
        ("404 id", api.get("/authorizations/999", auth=OCTOCAT)),
        ("404 method", api.request("PUT", "/authorizations", auth=OCTOCAT)),
        ("422 note", api.post("/authorizations", auth=OCTOCAT, json_body={})),
        (
            "422 scopes",
            api.post("/authorizations", auth=OCTOCAT, json_body={"note": "y", "scopes": ["nope"]}),
        ),
        (
            "422 app",
            api.post(
                "/authorizations",
                auth=OCTOCAT,
                json_body={"client_id": APP_CLIENT_ID, "client_secret": "x"},
            ),
        ),
    ]


def test_headers_on_every_answer(api, store):
    request_ids = set()
    for label, answer in answers_of_every_kind(api, store):
        assert answer.status_code == int(label[:3]), (label, answer)
        headers = answer.headers
        assert headers["X-GitHub-Media-Type"] == "github.v3; format=json", label
        assert headers["X-GitHub-Enterprise-Version"] == "2.18.0", label
        assert re.fullmatch(r"[0-9A-F]+(:[0-9A-F]+){4}", headers["X-GitHub-Request-Id"]), label
        request_ids.add(headers["X-GitHub-Request-Id"])
        # Rate limiting is off by default on GHES.
        assert not [name for name in headers if name.lower().startswith("x-ratelimit")], label
        if label.startswith("204"):
            assert answer.content == b"", label
            # As the 2018 recordings (octokit.rb, github3.py) show every 204.
            assert headers["Content-Type"] == "application/octet-stream", label
        else:
            assert headers["Content-Type"] == JSON_TYPE, label
    assert len(request_ids) == 17


def test_json_is_compact_and_errors_keep_ghe_key_order(api, store):
    for label, answer in answers_of_every_kind(api, store):
        if not answer.content:
            continue
        body = answer.json()
        compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        assert answer.content == compact, label
        if answer.status_code >= 400:
            expected = ["message", "errors", "documentation_url"]
            assert list(body) == [key for key in expected if key in body], label
            assert "message" in body and "documentation_url" in body, label
            # Only field validation has an errors list; the app error was recorded without one.
            assert ("errors" in body) == (label in ("422 note", "422 scopes")), label


# ---------------------------------------------------------------- the call journal


def test_journal_never_holds_a_password_otp_or_token(api, store):
    live = store.add_authorization("octocat", APP_CLIENT_ID).token
    hubot_code = code()
    created = api.post("/authorizations", auth=OCTOCAT, json_body={"note": "n"}).json()["token"]
    api.get("/authorizations", auth=("octocat", "wrong-Passw0rd-guess"))
    api.get("/authorizations", auth=HUBOT, headers=otp(hubot_code))
    api.post("/authorizations", auth=MONALISA, json_body={"note": "n"})
    sms = store.sms_codes["monalisa"][0]
    api.post("/authorizations", auth=MONALISA, headers=otp(sms), json_body={"note": "n"})
    api.get("/authorizations", headers=raw_auth(f"token {live}"))
    api.get("/authorizations", auth=("octocat", live))
    api.get(f"/authorizations?access_token={live}&password={OCTOCAT[1]}", auth=OCTOCAT)
    put = api.put(
        f"/authorizations/clients/{APP_CLIENT_ID}/fp",
        auth=OCTOCAT,
        json_body={"client_secret": APP_SECRET},
    ).json()["token"]

    calls = list(store.journal.calls)
    assert len(calls) == 9
    assert [call.status for call in calls] == [201, 401, 200, 401, 201, 403, 403, 200, 201]
    recorded = repr(calls) + repr(list(store.journal.events))
    for secret in (
        OCTOCAT[1],
        "wrong-Passw0rd-guess",
        HUBOT[1],
        MONALISA[1],
        hubot_code,
        sms,
        live,
        created,
        put,
        APP_SECRET,
    ):
        assert secret not in recorded
    assert calls[7].path.startswith("/api/v3/authorizations?access_token=")
    # Who called is kept, so a test can tell requests apart; issue 11: a failed sign-in names
    # the attempted login, marked (it was None), and a rejected token only its last eight.
    assert [call.principal for call in calls[:3]] == ["octocat", "octocat (failed)", "hubot"]
    assert calls[5].principal == f"octocat (token ...{live[-8:]}, failed)"
    assert calls[6].principal == "octocat (failed)"
