"""FakeGHE without pytest fixtures: faults and the rate limit."""

from __future__ import annotations

import httpx
import pytest
import requests

from fake_ghe import FakeGHE

from .fake_facade_support import get

# ------------------------------------------------------------------ faults


def test_fail_answers_a_github_style_error_for_the_next_n_matching(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.fail("GET", "/authorizations", 502, times=2)
    answers = [get(fake, "/authorizations", ("octocat", "pw")) for _ in range(3)]
    assert [a.status_code for a in answers] == [502, 502, 200]
    assert answers[0].json() == {
        "message": "Bad Gateway",
        "documentation_url": "https://developer.github.com/enterprise/2.18/v3",
    }


def test_fail_with_a_message_a_body_headers_and_globs(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.fail(
        "DELETE", "/api/v3/authorizations/*", 503, message="Try later", headers={"Retry-After": "9"}
    )
    fake.fail("*", "/user", 418, body={"custom": True}, times=None)
    deleted = requests.delete(fake.url("/authorizations/1"), auth=("octocat", "pw"))
    assert (deleted.status_code, deleted.json()["message"]) == (503, "Try later")
    assert deleted.headers["Retry-After"] == "9"
    for _ in range(2):
        assert requests.get(fake.url("/user")).json() == {"custom": True}
    assert len(fake.faults.armed()) == 1
    fake.clear_faults()
    assert requests.get(fake.url("/user")).status_code == 401


def spy_on_sleeps(fake: FakeGHE, monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, bool]]:
    """Record each slow fault's (seconds, slept out in full) while still really sleeping."""
    slept: list[tuple[float, bool]] = []
    real = fake.faults.sleep

    def sleep(seconds: float, environ: dict) -> bool:
        slept.append((seconds, real(seconds, environ)))
        return slept[-1][1]

    monkeypatch.setattr(fake.faults, "sleep", sleep)
    return slept


def test_slow_within_the_timeout_answers_late(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept = spy_on_sleeps(fake, monkeypatch)
    fake.add_user("octocat", "pw")
    fake.slow("GET", "/authorizations", 0.2)
    assert get(fake, "/authorizations", ("octocat", "pw"), timeout=5).status_code == 200
    assert slept == [(0.2, True)]  # the whole delay went by before the answer
    assert fake.faults.armed() == []


def test_slow_beyond_the_clients_timeout_raises_its_read_timeout(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept = spy_on_sleeps(fake, monkeypatch)
    fake.add_user("octocat", "pw")
    fake.slow("GET", "/authorizations", 30)
    with pytest.raises(requests.exceptions.ReadTimeout, match=r"read timeout=0\.2\)"):
        get(fake, "/authorizations", ("octocat", "pw"), timeout=(5, 0.2))
    # The fake gave up where the client would, not after the 30 s.
    assert slept == [(30, False)]
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200


def test_disconnect_fails_at_the_connection_level(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.disconnect("*", "/authorizations*")
    with pytest.raises(requests.ConnectionError, match="Connection aborted"):
        get(fake, "/authorizations", ("octocat", "pw"))
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200


def test_faults_over_a_socket() -> None:
    with FakeGHE().serve() as fake:
        fake.add_user("octocat", "pw")
        fake.disconnect("GET", "/authorizations")
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(fake.url("/authorizations"), auth=("octocat", "pw"))
        fake.slow("GET", "/authorizations", 30)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(fake.url("/authorizations"), auth=("octocat", "pw"), timeout=0.2)
        # A reset cuts the sleeping request short instead of letting it touch the new state.
        fake.reset()
        fake.add_user("octocat", "pw")
        assert httpx.get(fake.url("/authorizations"), auth=("octocat", "pw")).json() == []


def test_exhausted_rate_limit_answers_403(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.add_user("hubot", "pw")
    fake.exhaust_rate_limit("octocat")
    limited = get(fake, "/authorizations", ("octocat", "pw"))
    assert limited.status_code == 403
    assert limited.json()["message"].startswith("API rate limit exceeded")
    assert get(fake, "/authorizations", ("hubot", "pw")).status_code == 200
    fake.clock.advance(hours=1, seconds=1)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200


def test_set_rate_limit_counts_requests_per_window(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.set_rate_limit(2, window=60)
    statuses = [get(fake, "/authorizations", ("octocat", "pw")).status_code for _ in range(3)]
    assert statuses == [200, 200, 403]
    fake.set_rate_limit(None)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200
