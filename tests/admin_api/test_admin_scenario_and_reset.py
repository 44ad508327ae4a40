"""The admin API under /_fake_ghe/: loading a scenario, and resetting to the startup one."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Any

import pytest
import requests

from fake_ghe import Store, create_app
from fake_ghe.server import LiveServer

from ..admin_support import (
    OCTOCAT,
    OCTOCAT_APP_TOKEN,
    basic,
    make_fake,
    post_json,
    state,
    token_auth,
)

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
