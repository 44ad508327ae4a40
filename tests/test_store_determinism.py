"""The Store is deterministic under a seed, and two stores in one process share nothing."""

from __future__ import annotations

from fake_ghe import Clock, Config, Store, create_app

from .conftest import START
from .support import basic

# ---------------------------------------------------------------- determinism


def recorded_session(seed: int) -> list[bytes]:
    """The raw bytes of a scripted session against a fresh fake (status, headers, body)."""
    clock = Clock(frozen_at=START)
    store = Store(seed=seed, clock=clock)
    store.add_user("octocat", "pw")
    ci = store.add_app("ci")  # client_id and secret drawn from the seeded sequence too
    client = create_app(store, Config(hostname="ghe.example.com")).test_client()
    user = basic("octocat", "pw")
    signed = basic(ci.client_id, ci.client_secret)
    raw: list[bytes] = []

    def send(method: str, path: str, headers: dict[str, str], body: object = None):
        answer = client.open(f"/api/v3{path}", method=method, headers=headers, json=body)
        head = [f"{answer.status}"] + [f"{k}: {v}" for k, v in answer.headers.items()]
        raw.append("\r\n".join(head).encode() + b"\r\n\r\n" + answer.get_data())
        return answer

    send("POST", "/authorizations", user, {"note": "script", "scopes": ["repo"]})
    app_token = send(
        "POST",
        "/authorizations",
        user,
        {"client_id": ci.client_id, "client_secret": ci.client_secret, "scopes": ["user"]},
    ).get_json()["token"]
    listed = send("GET", "/authorizations", user)
    send("GET", "/authorizations", {**user, "If-None-Match": listed.headers["ETag"]})
    clock.advance(30)
    send("PATCH", "/authorizations/1", user, {"add_scopes": ["gist"]})
    send("GET", "/authorizations/1", user)
    send("GET", f"/applications/{ci.client_id}/tokens/{app_token}", signed)
    new_token = send("POST", f"/applications/{ci.client_id}/tokens/{app_token}", signed)
    send("GET", "/user", {"Authorization": f"token {new_token.get_json()['token']}"})
    send("GET", "/applications/grants", user)
    send("DELETE", "/applications/grants/1", user)
    send("GET", "/authorizations/2", user)
    send("GET", "/user", {})
    send("GET", "/meta", {})
    return raw


def test_same_seed_same_calls_give_byte_identical_responses():
    first, second = recorded_session(7), recorded_session(7)

    assert len(first) == 14
    assert first == second
    assert all(b"X-GitHub-Request-Id: " in answer for answer in first)
    assert sum(b"ETag: " in answer for answer in first) >= 6


def test_another_seed_gives_other_tokens():
    # The control for the test above: the bytes do depend on the seed.
    first, other = recorded_session(7), recorded_session(8)

    assert first[0] != other[0]
    assert first[-1] == other[-1]  # /meta holds nothing random


def test_unseeded_stores_draw_unrelated_tokens():
    one, two = Store(), Store()
    for store in (one, two):
        store.add_user("octocat", "pw")

    tokens = [s.add_authorization("octocat", note="n").token for s in (one, two)]

    assert tokens[0] != tokens[1]


# ---------------------------------------------------------------- no shared state


def test_two_fakes_in_one_process_share_nothing():
    stores = [Store(clock=Clock(frozen_at=START)), Store(clock=Clock(frozen_at=START))]
    apps = [create_app(store, Config(hostname="ghe.example.com")) for store in stores]
    for store in stores:
        store.add_user("octocat", "pw")
    clients = [app.test_client() for app in apps]
    user = basic("octocat", "pw")

    made = clients[0].post("/api/v3/authorizations", headers=user, json={"note": "a"})
    for _ in range(3):
        clients[0].get("/api/v3/meta")
    apps[0].extensions["fake_ghe"].faults.add("GET", "/user", status=503, times=None)
    stores[0].clock.advance(3600)

    assert made.status_code == 201
    token = made.get_json()["token"]
    assert clients[1].get("/api/v3/authorizations", headers=user).get_json() == []
    stolen = {"Authorization": f"token {token}"}
    assert clients[1].get("/api/v3/user", headers=stolen).status_code == 401
    assert clients[1].get("/api/v3/user", headers=user).status_code == 200
    assert clients[0].get("/api/v3/user", headers=user).status_code == 503
    # Each fake numbers its own requests (fake 0 has answered five), ids and time.
    assert clients[1].get("/api/v3/meta").headers["X-GitHub-Request-Id"].startswith("0004:")
    other = clients[1].post("/api/v3/authorizations", headers=user, json={"note": "b"})
    assert other.get_json()["id"] == 1
    assert other.get_json()["created_at"] == "2019-09-01T12:00:00Z"
    assert [e.authorization_id for e in stores[1].journal.events] == [1]
    assert len(stores[0].journal.events) == 1
    assert stores[0].user("octocat") is not stores[1].user("octocat")
