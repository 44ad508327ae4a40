"""The admin API under /_fake_ghe/: seed, reset, inspect and break the fake over HTTP."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from fake_ghe import Clock, Config, FakeGHE, Store, create_app
from fake_ghe.admin import Baseline, set_baseline
from fake_ghe.scenario import load_scenario, parse_scenario_text
from fake_ghe.server import LiveServer

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
CLIENT_ID = "abcde12345fghij67890"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef01234567"
OCTOCAT_APP_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f9001234567"
OCTOCAT_PAT = "feedfacecafebeef00112233445566778899aabb"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"

SCENARIO = f"""\
version: 1
users:
  - login: octocat
    password: s3cret-Passw0rd
    name: The Octocat
  - login: hubot
    password: hubot-pass
    two_factor: {{type: sms, totp_secret: {TOTP_SECRET}}}
oauth_apps:
  - name: my github app
    url: http://my-github-app.com
    client_id: {CLIENT_ID}
    client_secret: {CLIENT_SECRET}
authorizations:
  - user: octocat
    app: {CLIENT_ID}
    scopes: [repo, read:org]
    token: {OCTOCAT_APP_TOKEN}
  - user: octocat
    note: laptop
    scopes: [gist]
    token: {OCTOCAT_PAT}
"""
OCTOCAT = ("octocat", "s3cret-Passw0rd")


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def token_auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


def make_fake(*, admin: bool = True, seed: int | None = 7) -> tuple[Flask, Store]:
    """A fake started the way ``fake-ghe serve --scenario ... --freeze-time`` starts one."""
    store = Store(seed=seed, clock=Clock(frozen_at=START))
    scenario = parse_scenario_text(SCENARIO, "ghe.yaml")
    app = create_app(store, Config(hostname="ghe.example.com", admin=admin))
    if admin:
        # Loads it: loading it first as well would make that first load's events a past the
        # journal keeps counting from (sequence numbers never restart).
        set_baseline(app, Baseline(scenario=scenario, frozen_at=START))
    else:
        load_scenario(store, scenario)
    return app, store


@pytest.fixture
def fake() -> tuple[Flask, Store]:
    return make_fake()


@pytest.fixture
def client(fake: tuple[Flask, Store]) -> FlaskClient:
    return fake[0].test_client()


@pytest.fixture
def store(fake: tuple[Flask, Store]) -> Store:
    return fake[1]


def post_json(client: FlaskClient, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body))


def state(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/_fake_ghe/state")
    assert answer.status_code == 200
    return answer.get_json()


# ------------------------------------------------------------------ what the admin paths are


def test_admin_paths_need_no_ghe_credentials_while_ghe_paths_still_do(client):
    assert client.get("/_fake_ghe/state").status_code == 200
    denied = client.get("/api/v3/authorizations")
    assert denied.status_code == 401
    assert denied.get_json()["message"] == "Requires authentication"


def test_no_admin_removes_every_admin_path_and_leaves_the_api():
    app, store = make_fake(admin=False)
    client = app.test_client()
    for method, path in [
        ("GET", "/_fake_ghe/"),
        ("GET", "/_fake_ghe/state"),
        ("GET", "/_fake_ghe/events"),
        ("POST", "/_fake_ghe/reset"),
        ("POST", "/_fake_ghe/scenario"),
        ("POST", "/_fake_ghe/faults"),
        ("GET", "/_fake_ghe/static/style.css"),
        ("GET", "/static/style.css"),
    ]:
        answer = client.open(path, method=method)
        assert answer.status_code == 404, (method, path)
        assert answer.get_json()["message"] == "Not Found"
    assert len(store.users()) == 2  # the refused reset changed nothing
    assert client.get("/api/v3/authorizations", headers=basic(*OCTOCAT)).status_code == 200


def test_unknown_admin_path_and_wrong_method_are_404(client):
    assert client.get("/_fake_ghe/nothing-here").status_code == 404
    assert client.get("/_fake_ghe/reset").status_code == 404  # GET on a POST-only path


def test_admin_requests_stay_out_of_the_call_journal(client):
    client.get("/api/v3/meta")
    client.get("/_fake_ghe/state")
    client.get("/_fake_ghe/")
    calls = client.get("/_fake_ghe/calls").get_json()
    assert [(call["method"], call["path"]) for call in calls] == [("GET", "/api/v3/meta")]


def test_cross_origin_posts_are_refused_same_origin_and_curl_are_not(client, store):
    hostile = client.post("/_fake_ghe/reset", headers={"Origin": "http://evil.example"})
    assert hostile.status_code == 403
    assert "cross-origin" in hostile.get_json()["message"]
    null_origin = client.post(
        "/_fake_ghe/faults", data='{"status": 500}', headers={"Origin": "null"}
    )
    assert null_origin.status_code == 403
    assert client.get("/_fake_ghe/faults").get_json() == []
    store.add_user("extra", "pw")
    same = client.post("/_fake_ghe/reset", headers={"Origin": "http://localhost"})
    assert same.status_code == 200
    assert store.user("extra") is None
    assert client.post("/_fake_ghe/reset").status_code == 200  # no Origin: curl, scripts


# ------------------------------------------------------------------ state


def test_state_shows_users_apps_grants_and_tokens_but_never_a_full_token(client):
    answer = client.get("/_fake_ghe/state")
    assert answer.status_code == 200
    assert answer.content_type == "application/json; charset=utf-8"
    assert OCTOCAT_APP_TOKEN not in answer.text and OCTOCAT_PAT not in answer.text
    body = answer.get_json()
    assert [user["login"] for user in body["users"]] == ["octocat", "hubot"]
    assert body["users"][1]["two_factor"] == "sms"
    assert body["oauth_apps"] == [
        {
            "id": 1,
            "name": "my github app",
            "url": "http://my-github-app.com",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    app_token, pat = body["authorizations"]
    assert app_token["token_last_eight"] == OCTOCAT_APP_TOKEN[-8:]
    assert app_token["user"] == "octocat" and app_token["app"] == CLIENT_ID
    assert app_token["grant"] == 1
    assert "token" not in app_token
    assert pat["app"] is None and pat["note"] == "laptop" and pat["grant"] is None
    assert body["grants"] == [
        {
            "id": 1,
            "user": "octocat",
            "app": CLIENT_ID,
            "app_name": "my github app",
            "scopes": ["repo", "read:org"],
            "authorizations": [1],
            "created_at": "2019-09-01T12:00:00Z",
            "updated_at": "2019-09-01T12:00:00Z",
        }
    ]
    assert body["clock"] == {"now": "2019-09-01T12:00:00Z", "frozen": True}
    assert body["faults"] == []


# ------------------------------------------------------------------ scenario


def test_yaml_scenario_adds_users_and_answers_the_new_tokens_once(client):
    answer = client.post(
        "/_fake_ghe/scenario",
        data="users:\n  - login: mona\n    password: mona-pass\n"
        "authorizations:\n  - user: mona\n    note: ci\n    scopes: repo\n",
    )
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert body["users"] == ["mona"]
    [made] = body["authorizations"]
    assert made["user"] == "mona" and made["note"] == "ci" and made["scopes"] == ["repo"]
    assert len(made["token"]) == 40
    me = client.get("/api/v3/user", headers=token_auth(made["token"]))
    assert me.status_code == 200 and me.get_json()["login"] == "mona"
    assert made["token"] not in client.get("/_fake_ghe/state").text
    assert [user["login"] for user in state(client)["users"]] == ["octocat", "hubot", "mona"]


def test_json_scenario_loads_even_with_tab_indentation_yaml_refuses(client):
    body = (
        '{\n\t"oauth_apps": [\n\t\t{"name": "ci app", "client_id": "0f0f0f0f0f0f0f0f0f0f"}\n\t]\n}'
    )
    answer = client.post("/_fake_ghe/scenario", data=body, content_type="application/json")
    assert answer.status_code == 200, answer.text
    [app] = answer.get_json()["oauth_apps"]
    assert app["client_id"] == "0f0f0f0f0f0f0f0f0f0f" and len(app["client_secret"]) == 40
    assert [a["name"] for a in state(client)["oauth_apps"]] == ["my github app", "ci app"]


def test_bad_scenario_is_422_with_every_problem_by_line_and_loads_nothing(client):
    before = state(client)
    bad = (
        "users:\n"
        "  - login: mona\n"
        "  - login: octocat\n"
        "    password: again\n"
        "authorizations:\n"
        "  - user: mona\n"
        "    note: n\n"
        "    scopes: [repo, bogus]\n"
    )
    answer = client.post("/_fake_ghe/scenario", data=bad)
    assert answer.status_code == 422
    assert answer.get_json() == {
        "message": "the scenario has 3 problems; nothing was loaded",
        "errors": [
            "<scenario>:2: users[0].password: required key is missing",
            "<scenario>:3: users[1].login: user 'octocat' already exists in the store",
            "<scenario>:8: authorizations[0].scopes[1]: unknown OAuth scope 'bogus'",
        ],
    }
    assert state(client) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            b"",
            "<scenario>:1: (document): the document is empty; expected a mapping with users, ...",
        ),
        (b"\xff\xfe\x00", "<scenario>:1: (document): not UTF-8 text: byte 0xff"),
        (b"- a\n- b\n", "<scenario>:1: (document): must be a mapping, not a list"),
        (b"users: [\n", "<scenario>:2: (document): invalid YAML: "),
        (b"version: 2\n", "<scenario>:1: version: unsupported version 2; "),
    ],
    ids=["empty", "not-utf8", "list", "syntax", "version"],
)
def test_unreadable_scenario_bodies_are_422(client, body, error):
    answer = client.post("/_fake_ghe/scenario", data=body)
    assert answer.status_code == 422
    [message] = answer.get_json()["errors"]
    assert message.startswith(error)


def test_scenario_replace_empties_the_store_first_only_when_valid(client):
    refused = client.post("/_fake_ghe/scenario?replace=true", data="users: [{login: solo}]")
    assert refused.status_code == 422
    assert len(state(client)["users"]) == 2
    answer = client.post(
        "/_fake_ghe/scenario?replace=true", data="users: [{login: octocat, password: new}]"
    )
    assert answer.status_code == 200, answer.text
    after = state(client)
    assert [user["login"] for user in after["users"]] == ["octocat"]
    assert after["authorizations"] == [] and after["oauth_apps"] == []
    assert client.get("/api/v3/authorizations", headers=basic("octocat", "new")).status_code == 200


# ------------------------------------------------------------------ reset


def test_reset_returns_to_the_startup_scenario_clock_and_no_faults(client, store):
    before = state(client)
    created = client.post(
        "/api/v3/authorizations", headers=basic(*OCTOCAT), data='{"note": "extra"}'
    )
    assert created.status_code == 201
    post_json(client, "/_fake_ghe/faults", {"path": "/user", "status": 500, "times": None})
    post_json(client, "/_fake_ghe/clock/advance", {"days": 3})
    client.post("/_fake_ghe/scenario", data="users: [{login: mona, password: pw}]")

    answer = client.post("/_fake_ghe/reset")
    assert answer.status_code == 200
    assert answer.get_json() == {"users": 2, "oauth_apps": 1, "grants": 1, "authorizations": 2}
    assert state(client) == before  # ids, timestamps, clock and (no) faults as at startup
    assert client.get("/_fake_ghe/events").get_json()[-1]["actor"] == "seed"
    assert client.get("/_fake_ghe/calls").get_json() == []
    assert client.get("/api/v3/user", headers=token_auth(OCTOCAT_APP_TOKEN)).status_code == 200


def test_reset_replays_seeded_token_generation():
    app, _ = make_fake()
    client = app.test_client()
    first = client.post("/api/v3/authorizations", headers=basic(*OCTOCAT), data='{"note": "a"}')
    client.post("/_fake_ghe/reset")
    again = client.post("/api/v3/authorizations", headers=basic(*OCTOCAT), data='{"note": "a"}')
    assert first.status_code == again.status_code == 201
    assert first.data == again.data


def test_reset_puts_a_running_clock_back_on_real_time():
    store = Store()
    client = create_app(store).test_client()
    client.post("/_fake_ghe/clock/advance", data='{"days": 400}')
    client.post("/_fake_ghe/clock/freeze")
    client.post("/_fake_ghe/reset")
    clock = client.get("/_fake_ghe/clock").get_json()
    assert clock["frozen"] is False
    now = datetime.now(timezone.utc)
    assert abs((store.clock.now() - now).total_seconds()) < 5


def test_reset_cuts_short_a_request_sleeping_in_a_slow_fault():
    app, _ = make_fake()
    with LiveServer(app) as server:
        admin = server.root_url + "/_fake_ghe"
        requests.post(admin + "/faults", data='{"path": "/meta", "delay": 30}', timeout=5)
        outcome: dict[str, Any] = {}

        def slow_request() -> None:
            try:
                outcome["answer"] = requests.get(server.root_url + "/api/v3/meta", timeout=30)
            except requests.ConnectionError as error:
                outcome["error"] = error

        thread = threading.Thread(target=slow_request)
        thread.start()
        deadline = time.monotonic() + 5
        # A one-time fault leaves the list once a request has taken it.
        while requests.get(admin + "/faults", timeout=5).json() and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        assert requests.post(admin + "/reset", timeout=5).status_code == 200
        thread.join(5)
        assert not thread.is_alive()
        assert time.monotonic() - started < 2
        assert "error" in outcome, outcome  # dropped, not answered from the fresh state


def test_reset_without_a_startup_scenario_empties_the_fake():
    store = Store()
    store.add_user("octocat", "pw")
    client = create_app(store).test_client()
    assert client.post("/_fake_ghe/reset").get_json() == {
        "users": 0,
        "oauth_apps": 0,
        "grants": 0,
        "authorizations": 0,
    }
    assert store.users() == []


# ------------------------------------------------------------------ journals


def test_events_are_the_domain_journal_oldest_first_with_since(client):
    deleted = client.delete("/api/v3/applications/grants/1", headers=basic(*OCTOCAT))
    assert deleted.status_code == 204
    events = client.get("/_fake_ghe/events").get_json()
    assert [(e["seq"], e["kind"], e["cause"], e["actor"]) for e in events] == [
        (1, "created", None, "seed"),
        (2, "created", None, "seed"),
        (3, "revoked", "grant_delete", "octocat"),
    ]
    revoked = events[2]
    assert revoked["authorization_id"] == 1 and revoked["client_id"] == CLIENT_ID
    assert revoked["token_last_eight"] == OCTOCAT_APP_TOKEN[-8:]
    assert revoked["at"] == "2019-09-01T12:00:00Z"
    assert OCTOCAT_APP_TOKEN not in client.get("/_fake_ghe/events").text
    assert [e["seq"] for e in client.get("/_fake_ghe/events?since=2").get_json()] == [3]
    bad = client.get("/_fake_ghe/events?since=two")
    assert bad.status_code == 400
    assert "since" in bad.get_json()["message"]


@pytest.mark.parametrize("journal", ["events", "calls"])
@pytest.mark.parametrize("since", ["%C2%B2", "%D9%A3", "-1", "1.5", "%EF%BC%91"])
def test_since_takes_ascii_digits_only(client, journal, since):
    # "²" (superscript two), "٣" (Arabic-Indic three) and "１" (fullwidth one) pass
    # str.isdigit(); int() refuses the first, so they answered 500 before.
    answer = client.get(f"/_fake_ghe/{journal}?since={since}")
    assert answer.status_code == 400
    assert "ASCII digits" in answer.get_json()["message"]


def test_calls_list_ghe_requests_with_secrets_masked(client):
    path = f"/api/v3/applications/{CLIENT_ID}/tokens/{OCTOCAT_APP_TOKEN}"
    assert client.get(path, headers=basic(CLIENT_ID, CLIENT_SECRET)).status_code == 200
    [call] = client.get("/_fake_ghe/calls").get_json()
    assert call["path"] == f"/api/v3/applications/{CLIENT_ID}/tokens/***{OCTOCAT_APP_TOKEN[-8:]}"
    assert (call["method"], call["status"], call["principal"]) == ("GET", 200, f"app:{CLIENT_ID}")


def test_calls_mask_a_token_sent_to_the_wrong_base_url_too(client):
    # A client configured without /api/v3 still sends its real token in the path.
    path = f"/applications/{CLIENT_ID}/tokens/{OCTOCAT_APP_TOKEN}"
    assert client.get(path, headers=basic(CLIENT_ID, CLIENT_SECRET)).status_code == 404
    [call] = client.get("/_fake_ghe/calls").get_json()
    assert call["path"] == f"/applications/{CLIENT_ID}/tokens/***{OCTOCAT_APP_TOKEN[-8:]}"


# ------------------------------------------------------------------ faults


def test_a_fault_fires_on_the_ghe_api_and_never_on_the_admin_api(client):
    armed = post_json(
        client,
        "/_fake_ghe/faults",
        {
            "path": "*",
            "status": 503,
            "message": "Server maintenance",
            "headers": {"Retry-After": "30"},
            "times": None,
        },
    )
    assert armed.status_code == 201
    assert armed.get_json()["times"] is None and armed.get_json()["method"] == "*"
    for _ in range(2):
        answer = client.get("/api/v3/meta")
        assert answer.status_code == 503
        assert answer.get_json()["message"] == "Server maintenance"
        assert answer.headers["Retry-After"] == "30"
    assert client.get("/_fake_ghe/state").status_code == 200
    [listed] = client.get("/_fake_ghe/faults").get_json()
    assert listed["fired"] == 2 and listed["status"] == 503
    cleared = client.delete("/_fake_ghe/faults")
    assert cleared.status_code == 200 and cleared.get_json() == []
    assert client.get("/api/v3/meta").status_code == 200


def test_a_fault_matches_method_and_path_and_fires_times_times(client):
    post_json(
        client,
        "/_fake_ghe/faults",
        {"method": "POST", "path": "/authorizations", "status": 502, "times": 2},
    )
    auth = basic(*OCTOCAT)
    assert client.get("/api/v3/authorizations", headers=auth).status_code == 200
    statuses = [
        client.post("/api/v3/authorizations", headers=auth, data=f'{{"note": "n{i}"}}').status_code
        for i in range(3)
    ]
    assert statuses == [502, 502, 201]
    assert client.get("/_fake_ghe/faults").get_json() == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ('{"stauts": 500}', 422, "unknown key 'stauts'; expected some of: method, path, status"),
        ('{"path": "/user"}', 422, "a fault needs a status, a delay or disconnect=True"),
        ('{"status": "500"}', 422, 'status must be a whole number, not "500"'),
        ('{"status": 99}', 422, "status must be an HTTP status code, not 99"),
        ('{"status": 500, "times": 0}', 422, "times must be at least 1"),
        ('{"delay": -1}', 422, "delay must not be negative"),
        ('{"delay": true}', 422, "delay must be a number, not true"),
        ('{"delay": NaN}', 422, "delay must be a number, not NaN"),
        ('{"delay": 1e308}', 422, "delay must be at most 3600 seconds, not 1e+308"),
        ('{"status": 500, "times": 10000000}', 422, "times must be at most 1000000"),
        ('{"disconnect": "yes"}', 422, 'disconnect must be true or false, not "yes"'),
        ('{"status": 500, "headers": {"X": 1}}', 422, "headers must be an object of strings"),
        ('{"status": 500', 400, "the body is not valid JSON"),
        ("[1, 2]", 400, "the body must be a JSON object"),
    ],
)
def test_bad_fault_bodies_are_refused_and_arm_nothing(client, body, status, message):
    answer = client.post("/_fake_ghe/faults", data=body)
    assert answer.status_code == status
    assert answer.get_json()["message"].startswith(message)
    assert "documentation_url" not in answer.get_json()
    assert client.get("/_fake_ghe/faults").get_json() == []


def test_faults_refuse_numbers_they_cannot_act_on_from_python_too():
    fake = FakeGHE()
    with pytest.raises(ValueError, match="delay must be at most 3600 seconds"):
        fake.slow(seconds=1e308)
    with pytest.raises(ValueError, match="delay must be a number of seconds, not nan"):
        fake.slow(seconds=float("nan"))
    with pytest.raises(ValueError, match="status must be an HTTP status code, not '500'"):
        fake.fail(status="500")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="times must be at least 1"):
        fake.fail(times=1.5)  # type: ignore[arg-type]
    assert fake.faults.armed() == []


# ------------------------------------------------------------------ hostile bodies

JSON_PATHS = [
    "/_fake_ghe/faults",
    "/_fake_ghe/clock/freeze",
    "/_fake_ghe/clock/unfreeze",
    "/_fake_ghe/clock/set",
    "/_fake_ghe/clock/advance",
    "/_fake_ghe/rate_limit",
    "/_fake_ghe/rate_limit/exhaust",
]


@pytest.mark.parametrize("path", JSON_PATHS)
def test_absurdly_nested_json_is_400_not_a_server_error(client, path):
    answer = client.post(path, data="[" * 100_000)
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "the body is not valid JSON: nested too deeply"
    assert client.get("/_fake_ghe/clock").get_json()["now"] == "2019-09-01T12:00:00Z"


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{\n\t"users": ' + "[" * 100_000],
    ids=["yaml", "json-with-tabs"],
)
def test_absurdly_nested_scenario_is_a_problem_not_a_server_error(client, body):
    before = state(client)
    answer = client.post("/_fake_ghe/scenario", data=body)
    assert answer.status_code == 422
    [problem] = answer.get_json()["errors"]
    assert problem.startswith("<scenario>:")
    assert "nested too deeply" in problem or "invalid YAML" in problem
    assert state(client) == before


# ------------------------------------------------------------------ clock


def test_clock_freeze_set_advance_unfreeze_move_the_fakes_time(client):
    assert client.get("/_fake_ghe/clock").get_json() == {
        "now": "2019-09-01T12:00:00Z",
        "frozen": True,
    }
    advanced = post_json(client, "/_fake_ghe/clock/advance", {"hours": 1, "seconds": 30})
    assert advanced.get_json() == {"now": "2019-09-01T13:00:30Z", "frozen": True}
    created = client.post("/api/v3/authorizations", headers=basic(*OCTOCAT), data='{"note": "t"}')
    assert created.get_json()["created_at"] == "2019-09-01T13:00:30Z"

    moved = post_json(client, "/_fake_ghe/clock/set", {"at": "2020-01-02T03:04:05+01:00"})
    assert moved.get_json() == {"now": "2020-01-02T02:04:05Z", "frozen": True}
    running = client.post("/_fake_ghe/clock/unfreeze")
    assert running.get_json()["frozen"] is False
    assert running.get_json()["now"].startswith("2020-01-02T02:04")
    frozen = post_json(client, "/_fake_ghe/clock/freeze", {"at": "2021-06-01T00:00:00Z"})
    assert frozen.get_json() == {"now": "2021-06-01T00:00:00Z", "frozen": True}


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_fake_ghe/clock/set", {}, 'give the time as {"at": "2019-09-01T12:00:00Z"}'),
        ("/_fake_ghe/clock/set", {"at": "yesterday"}, "at must be an ISO 8601 time like"),
        ("/_fake_ghe/clock/freeze", {"at": 1567339200}, "at must be an ISO 8601 time string"),
        ("/_fake_ghe/clock/advance", {}, "say how far: one or more of seconds, minutes"),
        ("/_fake_ghe/clock/advance", {"secs": 5}, "unknown key 'secs'"),
        ("/_fake_ghe/clock/advance", {"seconds": "5"}, 'seconds must be a number, not "5"'),
        ("/_fake_ghe/clock/advance", {"days": 1e300}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": 1e12}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": 1e8}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"days": -20000}, "that is further than the clock can go"),
        ("/_fake_ghe/clock/advance", {"seconds": float("nan")}, "seconds must be a number"),
        ("/_fake_ghe/clock/advance", {"hours": float("inf")}, "hours must be a number"),
        ("/_fake_ghe/clock/set", {"at": "9999-12-31T23:59:59Z"}, "at must be between 1970-"),
        ("/_fake_ghe/clock/set", {"at": "0001-01-01T00:00:00+01:00"}, "at must be an ISO 8601"),
        ("/_fake_ghe/clock/freeze", {"at": "1969-12-31T23:59:59Z"}, "at must be between 1970-"),
    ],
)
def test_bad_clock_bodies_are_422_and_leave_the_clock(client, path, body, message):
    answer = post_json(client, path, body)
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith(message)
    assert client.get("/_fake_ghe/clock").get_json()["now"] == "2019-09-01T12:00:00Z"


def test_a_running_clock_refuses_a_jump_it_could_not_run_on_from():
    # 1e8 days is a valid timedelta, but now + it is not a date: the clock must not take it.
    store = Store()
    load_scenario(store, parse_scenario_text(SCENARIO))
    client = create_app(store).test_client()

    refused = post_json(client, "/_fake_ghe/clock/advance", {"days": 1e8})

    assert refused.status_code == 422
    clock = client.get("/_fake_ghe/clock")
    assert clock.status_code == 200
    assert clock.get_json()["now"][:4] == str(datetime.now(timezone.utc).year)
    assert client.get("/api/v3/user", headers=basic(*OCTOCAT)).status_code == 200


# ------------------------------------------------------------------ rate limit


def test_rate_limit_on_exhausted_and_off(client):
    auth = basic(*OCTOCAT)
    assert "X-RateLimit-Limit" not in client.get("/api/v3/authorizations", headers=auth).headers
    on = post_json(client, "/_fake_ghe/rate_limit", {"limit": 2, "window": 60})
    assert on.get_json() == {"limit": 2, "window": 60.0}
    first = client.get("/api/v3/authorizations", headers=auth)
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "2",
        "1",
    )
    client.get("/api/v3/authorizations", headers=auth)
    limited = client.get("/api/v3/authorizations", headers=auth)
    assert limited.status_code == 403
    assert limited.get_json()["message"] == "API rate limit exceeded for user ID 1."

    post_json(client, "/_fake_ghe/rate_limit", {"limit": None})
    assert client.get("/api/v3/authorizations", headers=auth).status_code == 200

    exhausted = post_json(client, "/_fake_ghe/rate_limit/exhaust", {"login": "octocat"})
    assert exhausted.get_json() == {"exhausted": "octocat"}
    assert client.get("/api/v3/authorizations", headers=auth).status_code == 403
    hubot = client.get("/api/v3/user", headers=basic("hubot", "hubot-pass"))
    assert hubot.status_code != 403


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/_fake_ghe/rate_limit", {}, 'give the limit: {"limit": 60}'),
        ("/_fake_ghe/rate_limit", {"limit": 0}, "limit must be at least 1"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 0}, "window must be a positive number"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 1e300}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 31536001}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": 0.5}, "window must be a positive"),
        ("/_fake_ghe/rate_limit", {"limit": 5, "window": float("nan")}, "window must be a number"),
        ("/_fake_ghe/rate_limit/exhaust", {"login": "nobody"}, "no user 'nobody'"),
    ],
)
def test_bad_rate_limit_bodies_are_422(client, path, body, message):
    answer = post_json(client, path, body)
    assert answer.status_code == 422
    assert answer.get_json()["message"].startswith(message)
    if path == "/_fake_ghe/rate_limit":
        user = client.get("/api/v3/user", headers=basic(*OCTOCAT))
        assert "X-RateLimit-Limit" not in user.headers


def test_a_year_long_rate_limit_window_works(client):
    on = post_json(client, "/_fake_ghe/rate_limit", {"limit": 1, "window": 365 * 24 * 3600})
    assert on.status_code == 200
    auth = basic(*OCTOCAT)
    assert client.get("/api/v3/user", headers=auth).status_code == 200
    limited = client.get("/api/v3/user", headers=auth)
    assert limited.status_code == 403
    assert limited.headers["X-RateLimit-Reset"] == str(int(START.timestamp()) + 365 * 24 * 3600)


# ------------------------------------------------------------------ two-factor


def test_otp_gives_a_working_code_and_the_codes_texted_to_an_sms_user(client):
    auth = basic("hubot", "hubot-pass")
    asked = client.post("/api/v3/authorizations", headers=auth, data='{"note": "2fa"}')
    assert asked.status_code == 401
    assert asked.headers["X-GitHub-OTP"] == "required; sms"
    otp = client.get("/_fake_ghe/otp/hubot").get_json()
    assert otp["login"] == "hubot" and otp["type"] == "sms"
    assert otp["sms_codes"] == [otp["code"]]
    created = client.post(
        "/api/v3/authorizations",
        headers={**auth, "X-GitHub-OTP": otp["code"]},
        data='{"note": "2fa"}',
    )
    assert created.status_code == 201


def test_otp_of_an_unknown_user_or_one_without_two_factor_is_404(client):
    unknown = client.get("/_fake_ghe/otp/nobody")
    assert unknown.status_code == 404 and unknown.get_json()["message"] == "no user 'nobody'"
    plain = client.get("/_fake_ghe/otp/octocat")
    assert plain.status_code == 404
    assert plain.get_json()["message"] == "user 'octocat' has no two-factor authentication"


# The scenario bodies that once crashed the reader (issue "One source of truth", item 5): each is
# a 422 naming its line, nothing loads, and the state stays readable.
CRASHERS = {
    "hex too long": "version: 0x" + "F" * 4000 + "\n",
    "sexagesimal too long": "version: " + ":".join(["59"] * 3000) + "\n",
    "timestamp tag": "version: !!timestamp x\n",
    "bool tag": "version: !!bool x\n",
    "empty int tag": "version: !!int\n",
    "tagged key": "!!bool authorizations: {}\n",
    "lone surrogate": 'users:\n  - login: "x\\ud800"\n    password: pw\n',
}


@pytest.mark.parametrize("body", list(CRASHERS.values()), ids=list(CRASHERS))
def test_values_the_reader_cannot_make_are_a_422_and_the_state_stays_readable(
    client: FlaskClient, store: Store, body: str
) -> None:
    users = [user.login for user in store.users()]

    answer = client.post("/_fake_ghe/scenario", data=body)

    assert answer.status_code == 422, answer.get_data(as_text=True)
    errors = answer.get_json()["errors"]
    assert errors and all(
        error.startswith("<scenario>:1: ") or error.startswith("<scenario>:2: ") for error in errors
    ), errors
    assert [user.login for user in store.users()] == users
    assert client.get("/_fake_ghe/state").status_code == 200
    assert client.get("/_fake_ghe/").status_code == 200
