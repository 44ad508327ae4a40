"""Issue 10, through the real server: GHE's login rule, secrets kept out of problems, bounded
journals whose sequence numbers never restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.scenario import parse_scenario_text

from .plugin_support import run

OCTOCAT = ("octocat", "s3cret-Passw0rd")
SCENARIO = """\
users:
  - {login: octocat, password: s3cret-Passw0rd}
  - {login: hubot, password: hubot-pass, two_factor: sms}
authorizations:
  - {user: octocat, note: laptop}
"""


@pytest.fixture
def served() -> Iterator[FakeGHE]:
    with FakeGHE(scenario=parse_scenario_text(SCENARIO, "s.yaml")).serve() as fake:
        yield fake


def load(fake: FakeGHE, text: str) -> requests.Response:
    return requests.post(fake.root_url + "/_fake_ghe/scenario", data=text.encode(), timeout=5)


# ------------------------------------------------------------------ logins (item 8)


@pytest.mark.parametrize(
    "login", ["a/b", "c:d", "..", "-mona", "mona-", "mo--na", "zoë", "a b", "x" * 40, "a.b", "a_b"]
)
def test_logins_ghe_would_refuse_are_refused_by_scenarios_and_seeding(served, login):
    answer = load(served, f"users: [{{login: {login!r}, password: pw}}]")
    assert answer.status_code == 422
    assert "may only contain ASCII letters, digits and single hyphens" in answer.text or (
        "at most 39 characters" in answer.text
    )
    with pytest.raises(ValueError, match="login: "):
        served.add_user(login, "pw")
    assert served.store.user(login) is None


@pytest.mark.parametrize("login", ["mona", "Mona-Lisa", "a", "x" * 39, "0-1-2", "OctoCat2"])
def test_logins_ghe_accepts_are_accepted(served, login):
    assert load(served, f"users: [{{login: {login}, password: pw}}]").status_code == 200
    assert requests.get(served.base_url + "/user", auth=(login, "pw"), timeout=5).status_code == 200


# ------------------------------------------------------------------ secrets in problems (item 7)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("users: [{login: sam, password: 9876543210123}]", "password"),
        ("users: [{login: sam, password: pw, two_factor: {totp_secret: 9876543210123}}]", "totp"),
        ("oauth_apps: [{name: ci, client_secret: 9876543210123}]", "client_secret"),
        ("authorizations: [{user: octocat, note: x, token: 9876543210123}]", "token"),
        ("users: [{login: sam, password: 2019-09-01}]", "password"),
        ("users: [{login: sam, password: pw, two_factor: JBSWY3DPEHPK9876543210123}]", "two"),
    ],
)
def test_scenario_problems_never_echo_a_secret(served, text, field):
    answer = load(served, text)
    assert answer.status_code == 422
    assert field in answer.text
    assert "9876543210123" not in answer.text and "2019-09-01" not in answer.text
    said = "not a longer string (not repeated)" if field == "two" else "must be a string, not a"
    assert said in answer.text


# ------------------------------------------------------------------ journals (item 5)


def test_journals_are_bounded_count_what_fell_off_and_never_restart(served):
    served.store.journal.set_limit(5)
    admin = served.root_url + "/_fake_ghe"
    for _ in range(12):
        assert requests.get(served.base_url + "/meta", timeout=5).status_code == 200
    calls = requests.get(admin + "/calls", timeout=5)
    assert [call["seq"] for call in calls.json()] == [8, 9, 10, 11, 12]
    assert calls.headers["X-Fake-GHE-Dropped"] == "7"
    assert "7 older calls were dropped" in requests.get(admin + "/", timeout=5).text

    # SMS codes: the newest ones only.
    for _ in range(7):
        requests.post(served.base_url + "/authorizations", auth=("hubot", "hubot-pass"), timeout=5)
    assert len(served.sms_codes("hubot")) == 5

    events_before = requests.get(admin + "/events", timeout=5).json()
    last = events_before[-1]["seq"]
    assert requests.post(admin + "/reset", timeout=5).status_code == 200
    # A client polling since=last learns of the reset, then sees the scenario's events.
    after = requests.get(admin + f"/events?since={last}", timeout=5).json()
    assert [(e["seq"], e["kind"], e["actor"]) for e in after] == [
        (last + 1, "fake_reset", "fake"),
        (last + 2, "created", "seed"),
    ]
    assert set(after[0]) == set(after[1])  # the marker has every key an event has
    calls = requests.get(admin + "/calls", timeout=5)
    assert calls.json() == [] and calls.headers["X-Fake-GHE-Dropped"] == "0"
    requests.get(served.base_url + "/meta", timeout=5)
    # 19 calls (12 + 7), then the reset took 20: the next request is 21, never 1 again.
    assert [call["seq"] for call in requests.get(admin + "/calls", timeout=5).json()] == [21]
    # The assertions still read the events the journal keeps.
    assert served.events[-1].kind == "created"


def test_the_default_limit_is_ten_thousand():
    from fake_ghe.journal import DEFAULT_LIMIT, Journal

    assert DEFAULT_LIMIT == 10_000 and Journal().limit == 10_000
    with pytest.raises(ValueError, match="at least 1"):
        Journal(0)


# ------------------------------------------------------------------ lockout (item 10)

LOCKED = {
    "message": "Maximum number of login attempts exceeded. Please try again later.",
    "documentation_url": "https://developer.github.com/enterprise/2.18/v3",
}


def test_wrong_otp_codes_count_toward_the_lockout():
    scenario = parse_scenario_text(
        "users: [{login: hubot, password: hubot-pass, two_factor: app}]", "s.yaml"
    )
    with FakeGHE(scenario=scenario, lockout_threshold=5).serve() as fake:
        url = fake.base_url + "/authorizations"
        creds = ("hubot", "hubot-pass")
        # No code at all: the first step of every two-factor sign-in, not a failure.
        for _ in range(6):
            assert requests.get(url, auth=creds, timeout=5).status_code == 401
        assert fake.store.failed_logins("hubot") == ()
        wrong = "000000" if fake.otp("hubot") != "000000" else "111111"
        for _ in range(5):
            answer = requests.get(url, auth=creds, headers={"X-GitHub-OTP": wrong}, timeout=5)
            assert answer.status_code == 401
        # Locked now, even with the right password and the right code.
        right = {"X-GitHub-OTP": fake.otp("hubot")}
        answer = requests.get(url, auth=creds, headers=right, timeout=5)
        assert (answer.status_code, answer.json()) == (403, LOCKED)
        fake.clock.advance(hours=1, seconds=1)
        right = {"X-GitHub-OTP": fake.otp("hubot")}
        assert requests.get(url, auth=creds, headers=right, timeout=5).status_code == 200


@pytest.mark.parametrize("path", ["/authorizations", "/user", "/meta"])
def test_unknown_logins_lock_out_exactly_like_known_ones(path):
    scenario = parse_scenario_text("users: [{login: octocat, password: pw}]", "s.yaml")
    with FakeGHE(scenario=scenario, lockout_threshold=3).serve() as fake:
        url = fake.base_url + path

        def story(login: str) -> list[tuple[int, object]]:
            answers = [requests.get(url, auth=(login, "wrong"), timeout=5) for _ in range(4)]
            return [(answer.status_code, answer.json()) for answer in answers]

        known, unknown = story("octocat"), story("nobody")
        assert known == unknown  # the same answers: nothing says which login exists
        assert unknown[-1] == (403, LOCKED)
        assert unknown[0][0] == 401
        # Case-insensitive, as logins are; a reset forgets it.
        assert requests.get(url, auth=("NoBody", "x"), timeout=5).status_code == 403
        fake.reset()
        assert requests.get(url, auth=("nobody", "x"), timeout=5).status_code == 401


# ------------------------------------------------------------------ server errors (item 6)


def test_server_errors_are_bounded_and_freed_by_reset_yet_reach_check(served, monkeypatch):
    from fake_ghe import FakeServerError
    from fake_ghe.runtime import ERRORS_KEPT, RecordedError

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("store is broken")

    monkeypatch.setattr(served.store, "list_authorizations", broken)
    url = served.base_url + "/authorizations"
    body = b'{"note": "' + b"x" * 500_000 + b'"}'
    for _ in range(ERRORS_KEPT + 5):
        answer = requests.get(url, auth=OCTOCAT, data=body, timeout=5)
        assert answer.status_code == 500
    assert len(served.errors) == ERRORS_KEPT and served.runtime.errors.dropped == 5
    assert requests.post(served.root_url + "/_fake_ghe/reset", timeout=5).status_code == 200
    # Text only now: no frames, requests or bodies held; the tracebacks are all still there.
    assert all(isinstance(error, RecordedError) for error in served.errors)
    assert all(error.__traceback__ is None for error in served.errors)
    with pytest.raises(FakeServerError) as raised:
        served.check()
    message = str(raised.value)
    assert message.count("RuntimeError: store is broken") == ERRORS_KEPT
    assert "and 5 more server error(s) not kept" in message
    assert 'in broken\n    raise RuntimeError("store is broken")' in message
    assert served.errors == []


def test_the_plugin_still_fails_the_test_that_caused_an_error_it_then_reset(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_breaks_then_resets(fake_ghe_server, monkeypatch):
            fake_ghe_server.add_user("octocat", "pw")

            def broken(*args, **kwargs):
                raise RuntimeError("store is broken")

            monkeypatch.setattr(fake_ghe_server.store, "list_authorizations", broken)
            url = fake_ghe_server.url("/authorizations")
            assert requests.get(url, auth=("octocat", "pw")).status_code == 500
            admin = fake_ghe_server.root_url + "/_fake_ghe/reset"
            assert requests.post(admin).status_code == 200

        def test_next_one_is_not_blamed(fake_ghe_server):
            assert requests.get(fake_ghe_server.url("/meta")).status_code == 200
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_breaks_then_resets*", "*RuntimeError: store is broken*"]
    )
