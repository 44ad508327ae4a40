"""The admin API under /_fake_ghe/: the event and call journals, and faults."""

from __future__ import annotations

import pytest

from fake_ghe import FakeGHE

from ..admin_support import CLIENT_ID, CLIENT_SECRET, OCTOCAT, OCTOCAT_APP_TOKEN, basic, post_json

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
