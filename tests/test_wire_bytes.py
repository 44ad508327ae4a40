"""Representative answers pinned byte for byte: status line, every header in order, the body,
and the call journal they leave.

The request path is tuned for speed (issue 12); these pins say that no tuning changed a single
byte a client or a test can see. Each case runs its requests on a fresh, seeded fake with a
frozen clock, so every id, token, timestamp and request id is reproducible.

The pins live in ``wire_bytes.json``. When an answer is meant to change, regenerate them with
``python3 -m tests.test_wire_bytes`` and review the diff like code.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from fake_ghe import FakeGHE

PINS = Path(__file__).with_name("wire_bytes.json")
ROOT = "https://ghe.example.com"
CLIENT_ID = "abcde12345fghij67890"
SECRET = "0123456789abcdef0123456789abcdef01234567"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # octocat's personal token (scopes: user)
APP_TOKEN = "89abcdef0123456789abcdef0123456789abcdef"  # hubot's token of the app

# One request: method, path (below the root), Basic login or None, extra headers, JSON body.
Step = tuple[str, str, "tuple[str, str] | None", dict[str, str], Any]
OCTOCAT = ("octocat", "pw")
HUBOT = ("hubot", "hubot-pass")
APP = (CLIENT_ID, SECRET)


def seeded() -> FakeGHE:
    fake = FakeGHE(seed=7, frozen_at="2019-09-01T12:00:00Z")
    fake.add_user("octocat", "pw", name="The Octocat", email="octocat@example.com")
    fake.add_user("hubot", "hubot-pass", two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    app = fake.add_app(
        "my app", "http://app.example.com", client_id=CLIENT_ID, client_secret=SECRET
    )
    fake.add_authorization("octocat", scopes=["user"], note="laptop", token=TOKEN)
    for n in range(3):
        fake.clock.advance(minutes=7)
        fake.add_authorization("octocat", scopes=["repo", "gist"], note=f"script {n}")
    fake.add_authorization("octocat", app, scopes=["public_repo"], fingerprint="box-1")
    fake.add_authorization("hubot", app, scopes=["repo"], token=APP_TOKEN)
    return fake


def otp() -> dict[str, str]:
    return {"X-GitHub-OTP": seeded().otp("hubot")}


def token_auth(value: str) -> dict[str, str]:
    return {"Authorization": f"token {value}"}


ORIGIN = {"Origin": "https://app.example.com"}
ETAG_2 = 'W/"6d434b7cc9a616ada181272c10202fa2"'  # of GET /authorizations/2

# name -> the requests it sends, in order; every answer is pinned.
CASES: dict[str, Callable[[], list[Step]]] = {
    "list": lambda: [("GET", "/api/v3/authorizations", OCTOCAT, {}, None)],
    "list page with Link": lambda: [
        ("GET", "/api/v3/authorizations?per_page=2&page=2", OCTOCAT, {}, None)
    ],
    "get, then 304 by ETag and by date": lambda: [
        ("GET", "/api/v3/authorizations/2", OCTOCAT, {}, None),
        ("GET", "/api/v3/authorizations/2", OCTOCAT, {"If-None-Match": '"x", W/"y"'}, None),
        ("GET", "/api/v3/authorizations/2", OCTOCAT, {"If-None-Match": f'"x", {ETAG_2}'}, None),
        (
            "GET",
            "/api/v3/authorizations/2",
            OCTOCAT,
            {"If-Modified-Since": "Sun, 01 Sep 2019 12:30:00 GMT"},
            None,
        ),
    ],
    "create 201": lambda: [
        ("POST", "/api/v3/authorizations", OCTOCAT, {}, {"scopes": ["repo"], "note": "ci"})
    ],
    "get-or-create: 201 then 200": lambda: [
        (
            "PUT",
            f"/api/v3/authorizations/clients/{CLIENT_ID}/box-9",
            OCTOCAT,
            {},
            {"client_secret": SECRET, "scopes": ["repo"]},
        ),
        (
            "PUT",
            f"/api/v3/authorizations/clients/{CLIENT_ID}/box-9",
            OCTOCAT,
            {},
            {"client_secret": SECRET, "scopes": ["repo"]},
        ),
    ],
    "update and delete": lambda: [
        ("PATCH", "/api/v3/authorizations/3", OCTOCAT, {}, {"add_scopes": ["user"]}),
        ("DELETE", "/api/v3/authorizations/3", OCTOCAT, {}, None),
    ],
    "401 none, bad, OTP": lambda: [
        ("GET", "/api/v3/authorizations", None, {}, None),
        ("GET", "/api/v3/authorizations", ("octocat", "nope"), {}, None),
        ("POST", "/api/v3/authorizations", HUBOT, {}, {"scopes": []}),
    ],
    "403 a token may not manage tokens": lambda: [
        ("GET", "/api/v3/authorizations", None, token_auth(TOKEN), None)
    ],
    "404 id, method, path": lambda: [
        ("GET", "/api/v3/authorizations/999", OCTOCAT, {}, None),
        ("PUT", "/api/v3/authorizations/1", OCTOCAT, {}, None),
        ("GET", "/api/v3/nothing/here", None, {}, None),
    ],
    "422 and 400": lambda: [
        ("POST", "/api/v3/authorizations", OCTOCAT, {}, {"scopes": 5}),
        ("POST", "/api/v3/authorizations", OCTOCAT, {"Content-Type": "text/plain"}, "{oops"),
    ],
    "two-factor user with a code": lambda: [
        ("GET", "/api/v3/applications/grants", HUBOT, otp(), None),
    ],
    "token user, app check and reset": lambda: [
        ("GET", "/api/v3/user", None, token_auth(TOKEN), None),
        ("GET", f"/api/v3/user?access_token={TOKEN}", None, {}, None),
        ("GET", f"/api/v3/applications/{CLIENT_ID}/tokens/{APP_TOKEN}", APP, {}, None),
        ("POST", f"/api/v3/applications/{CLIENT_ID}/tokens/{APP_TOKEN}", APP, {}, None),
    ],
    "root, meta, CORS, preflight": lambda: [
        ("GET", "/api/v3", None, {}, None),
        ("GET", "/api/v3/meta", None, {}, None),
        ("GET", "/api/v3/authorizations/1", OCTOCAT, ORIGIN, None),
        (
            "OPTIONS",
            "/api/v3/authorizations",
            None,
            {**ORIGIN, "Access-Control-Request-Method": "POST"},
            None,
        ),
    ],
}


def run(name: str, *, rate_limit: int | None = None) -> dict[str, Any]:
    """The answers of one case and the call journal they left, as plain data."""
    fake = seeded()
    if rate_limit is not None:
        fake.set_rate_limit(rate_limit)
    client = Client(fake.wsgi)
    answers = []
    for method, path, login, headers, body in CASES[name]():
        sent = dict(headers)
        if login is not None:
            sent["Authorization"] = "Basic " + base64.b64encode(":".join(login).encode()).decode()
        data = body if isinstance(body, str) else None if body is None else json.dumps(body)
        response = client.open(path, method=method, headers=sent, data=data, base_url=ROOT)
        answers.append(
            {
                "request": f"{method} {path}",
                "status": response.status,
                "headers": [list(pair) for pair in response.headers.to_wsgi_list()],
                "body": response.get_data().decode("utf-8"),
            }
        )
    fake.check()
    calls = [[c.seq, c.at.isoformat(), c.method, c.path, c.status, c.principal] for c in fake.calls]
    return {"answers": answers, "calls": calls}


def all_cases() -> dict[str, Any]:
    found = {name: run(name) for name in CASES}
    found["list, rate limited"] = run("list", rate_limit=5)
    return found


def pinned() -> dict[str, Any]:
    pins: dict[str, Any] = json.loads(PINS.read_text(encoding="utf-8"))
    return pins


@pytest.mark.parametrize("name", [*CASES, "list, rate limited"])
def test_answers_are_byte_identical_to_the_pins(name: str) -> None:
    expected = pinned()[name]
    got = run("list", rate_limit=5) if name == "list, rate limited" else run(name)
    for want, have in zip(expected["answers"], got["answers"], strict=True):
        assert have["status"] == want["status"], want["request"]
        assert have["headers"] == want["headers"], want["request"]
        assert have["body"] == want["body"], want["request"]
    assert got["calls"] == expected["calls"]


def test_requests_in_process_gets_the_pinned_answer() -> None:
    """Through intercept() and requests (the path users take), the list is the same answer."""
    want = pinned()["list"]["answers"][0]
    fake = seeded()
    with fake.intercept():
        answer = requests.get(fake.url("/authorizations"), auth=OCTOCAT)
    assert answer.status_code == int(want["status"].split()[0])
    assert list(answer.headers.items()) == [tuple(pair) for pair in want["headers"]]
    assert answer.content == want["body"].encode("utf-8")


def test_pins_cover_the_answers_worth_pinning() -> None:
    # A pin file that lost its cases would make the test above vacuous.
    statuses = {
        int(answer["status"].split()[0]) for case in pinned().values() for answer in case["answers"]
    }
    assert statuses >= {200, 201, 204, 304, 400, 401, 403, 404, 422}


if __name__ == "__main__":
    # Regenerate the pins (only when an answer is meant to change).
    PINS.write_text(json.dumps(all_cases(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {PINS}", file=sys.stderr)


# ------------------------------------------------------------------ what the speed-ups keep


def basic(login: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(":".join(login).encode()).decode()}


def listed(client: Client, host: str = "ghe.example.com") -> list[dict[str, Any]]:
    answer = client.get(
        "/api/v3/authorizations", base_url=f"https://{host}", headers=basic(OCTOCAT)
    )
    assert answer.status_code == 200
    body: list[dict[str, Any]] = answer.get_json()
    return body


def test_a_listed_token_that_changed_is_listed_as_it_is_now() -> None:
    # List items are encoded once per record (fake_ghe.api.render): a change must show at once.
    fake = seeded()
    client = Client(fake.wsgi)
    before = listed(client)
    fake.clock.advance(minutes=1)
    answer = client.patch(
        "/api/v3/authorizations/2",
        base_url=ROOT,
        headers=basic(OCTOCAT),
        json={"note": "renamed", "add_scopes": ["user"]},
    )
    assert answer.status_code == 200
    after = listed(client)
    changed = next(item for item in after if item["id"] == 2)
    assert (changed["note"], changed["scopes"]) == ("renamed", ["repo", "gist", "user"])
    assert changed["updated_at"] == "2019-09-01T12:22:00Z"
    assert [item for item in after if item["id"] != 2] == [i for i in before if i["id"] != 2]


def test_a_list_names_the_host_each_request_was_sent_to() -> None:
    # Served without a fixed hostname, url fields follow the Host: never another request's.
    fake = seeded()
    fake.runtime.config = replace(fake.config, hostname=None)
    client = Client(fake.wsgi)
    for host in ("one.example", "two.example:8443", "one.example"):
        urls = {item["url"].split("/api/")[0] for item in listed(client, host)}
        assert urls == {f"https://{host}"}


def test_the_list_encodings_kept_are_bounded() -> None:
    from fake_ghe.api import render

    fake = FakeGHE(frozen_at="2019-09-01T12:00:00Z")
    fake.add_user("octocat", "pw")
    for n in range(1100):
        fake.add_authorization("octocat", note=f"n{n}")
    client = Client(fake.wsgi)
    seen = 0
    for page in range(1, 12):
        answer = client.get(
            f"/api/v3/authorizations?per_page=100&page={page}",
            base_url=ROOT,
            headers=basic(OCTOCAT),
        )
        seen += len(answer.get_json())
    assert seen == 1100
    assert 0 < len(render._LISTED) <= 1024


def test_the_whole_lists_kept_are_bounded_and_never_stale() -> None:
    import hashlib

    from fake_ghe.api import render

    fake = FakeGHE(frozen_at="2019-09-01T12:00:00Z")
    fake.add_user("octocat", "pw")
    for n in range(100):
        fake.add_authorization("octocat", note=f"n{n}")
    client = Client(fake.wsgi)

    def page(number: int) -> Any:
        return client.get(
            f"/api/v3/authorizations?per_page=1&page={number}",
            base_url=ROOT,
            headers=basic(OCTOCAT),
        )

    for _ in range(2):  # the second time round, every page may come from what was kept
        for number in range(1, 101):
            answer = page(number)
            assert [item["id"] for item in answer.get_json()] == [number]
            assert answer.headers["ETag"] == f'W/"{hashlib.md5(answer.data).hexdigest()}"'
    assert 0 < len(render._JOINED) <= 64

    kept = page(1)
    fake.store.update_authorization(fake.user("octocat"), 1, note="renamed")
    changed = page(1)
    assert changed.get_json()[0]["note"] == "renamed"
    assert changed.headers["ETag"] != kept.headers["ETag"]
    assert changed.headers["ETag"] == f'W/"{hashlib.md5(changed.data).hexdigest()}"'
