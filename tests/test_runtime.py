"""One reset for every way a fake starts: Python, a served FakeGHE, the CLI, the plugin.

Each starts from a scenario, a frozen clock and a seed; is changed in every way a test can
change it; and must come back from reset exactly as it started.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from fake_ghe import FakeGHE, Store, create_app
from fake_ghe.runtime import Baseline, Runtime, Settings
from fake_ghe.scenario import ScenarioError, parse_scenario_text

from .plugin_support import run
from .test_cli import Served

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
SEED = 42
# One token comes from the seed (no token: given), so reset must restart the sequence.
SCENARIO = """\
users:
  - login: octocat
    password: s3cret
  - login: hubot
    password: hubot-pass
oauth_apps:
  - name: ci
    client_id: c1c1c1c1c1c1c1c1c1c1
    client_secret: "5555555555555555555555555555555555555555"
authorizations:
  - user: octocat
    app: c1c1c1c1c1c1c1c1c1c1
    scopes: [repo]
    token: 0123456789abcdef0123456789abcdef01234567
  - user: hubot
    note: deploys
    scopes: [gist]
"""
OCTOCAT = ("octocat", "s3cret")
DEFAULTS = (10, timedelta(hours=1), 1)


def picture(fake: FakeGHE) -> dict[str, Any]:
    """Everything reset must restore, full tokens included.

    Journal entries are compared without their sequence numbers: those never restart (a reset
    takes one itself), which ``test_sequence_numbers_never_restart`` checks.
    """
    return {
        "users": [(user.id, user.login) for user in fake.users()],
        "apps": [(app.id, app.client_id, app.client_secret) for app in fake.oauth_apps()],
        "authorizations": [
            (auth.id, auth.token, auth.note, auth.scopes, auth.created_at)
            for auth in fake.authorizations()
        ],
        "now": fake.clock.now(),
        "frozen": fake.clock.frozen,
        "settings": (fake.lockout_threshold, fake.lockout_window, fake.otp_window),
        "faults": fake.faults.armed(),
        "events": [event._replace(seq=0) for event in fake.events],
        "calls": [call._replace(seq=0) for call in fake.calls],
    }


def make_fake(**settings: Any) -> FakeGHE:
    scenario = parse_scenario_text(SCENARIO, "team.yaml")
    return FakeGHE(scenario=scenario, frozen_at=START, seed=SEED, **settings)


def mess_up(fake: FakeGHE) -> None:
    """Change the fake every way a test can: tokens, clock, sign-in rules, faults, limits."""
    made = requests.post(fake.url("/authorizations"), auth=OCTOCAT, json={"note": "extra"})
    assert made.status_code == 201
    first = fake.authorizations(user="octocat")[0]
    assert requests.delete(fake.url(f"/authorizations/{first.id}"), auth=OCTOCAT).ok
    fake.add_user("mona", "pw")
    fake.clock.unfreeze()
    fake.clock.advance(days=3)
    fake.set_lockout(2, 60)
    fake.otp_window = 0
    fake.set_rate_limit(100)
    fake.fail("GET", "/user", 502, times=None)
    fake.slow("*", "/meta", 0.01, times=None)


# ------------------------------------------------------------------ FakeGHE in Python


def test_reset_returns_a_python_fake_to_its_scenario_clock_seed_and_settings() -> None:
    with make_fake().intercept() as fake:
        start = picture(fake)
        assert start["now"] == START and start["frozen"]
        assert start["settings"] == DEFAULTS
        assert [event.kind for event in start["events"]] == ["created", "created"]
        assert start["calls"] == []
        seeded = fake.authorization(2)
        assert seeded is not None and len(seeded.token) == 40

        mess_up(fake)
        assert picture(fake) != start
        fake.reset()

        assert picture(fake) == start  # the seeded token too: same value again
        # Rate limiting is off again: no X-RateLimit headers.
        answer = requests.get(fake.url("/authorizations"), auth=OCTOCAT)
        assert answer.status_code == 200 and "X-RateLimit-Limit" not in answer.headers


def test_sequence_numbers_never_restart() -> None:
    with make_fake().intercept() as fake:
        before = [event.seq for event in fake.events]
        assert before == [1, 2]
        mess_up(fake)
        last_event, last_call = fake.events[-1].seq, fake.calls[-1].seq
        fake.reset()
        # The reset took the next number of each journal; the scenario's events come after it.
        assert [event.seq for event in fake.events] == [last_event + 2, last_event + 3]
        assert fake.store.journal.event_reset is not None
        assert fake.store.journal.event_reset.seq == last_event + 1
        assert requests.get(fake.url("/meta")).status_code == 200
        assert [call.seq for call in fake.calls] == [last_call + 2]


def test_reset_restores_the_constructors_own_sign_in_settings() -> None:
    fake = make_fake(lockout_threshold=3, lockout_window=300, otp_window=0)
    fake.set_lockout(9, 10)
    fake.otp_window = 2
    fake.reset()
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        3,
        timedelta(minutes=5),
        0,
    )
    assert fake.runtime.baseline.settings == Settings(3, timedelta(minutes=5), 0)


def test_reset_without_frozen_at_runs_on_real_time() -> None:
    fake = FakeGHE()
    fake.clock.freeze("2001-01-01T00:00:00Z")
    fake.reset()
    assert not fake.clock.frozen
    assert abs(fake.clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


# ------------------------------------------------------------------ the admin API


def test_admin_reset_of_a_fake_served_from_python_returns_to_its_scenario() -> None:
    with make_fake().serve() as fake:
        admin = fake.root_url + "/_fake_ghe"
        state = requests.get(admin + "/state", timeout=5).json()
        start = picture(fake)
        assert state["clock"] == {"now": "2019-09-01T12:00:00Z", "frozen": True}

        mess_up(fake)
        requests.post(admin + "/clock/advance", json={"days": 1}, timeout=5)
        requests.post(admin + "/scenario", data="users: [{login: lisa, password: pw}]", timeout=5)
        answer = requests.post(admin + "/reset", timeout=5)

        assert answer.status_code == 200
        assert answer.json() == {"users": 2, "oauth_apps": 1, "grants": 1, "authorizations": 2}
        assert requests.get(admin + "/state", timeout=5).json() == state
        assert picture(fake) == start


# ------------------------------------------------------------------ the command line


def test_cli_admin_reset_returns_to_the_scenario_at_the_frozen_time(tmp_path: Any) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    served = Served(
        "--port", "0", "--quiet", "--scenario", str(path), "--freeze-time", "2019-09-01T12:00:00Z",
        "--seed", str(SEED),
    )  # fmt: skip
    try:
        served.wait_ready()
        admin = served.url + "/_fake_ghe"
        state = requests.get(admin + "/state", timeout=5).json()
        api = served.ready["api_url"]
        assert requests.post(api + "/authorizations", auth=OCTOCAT, json={"note": "n"}).ok
        requests.post(admin + "/clock/unfreeze", json={}, timeout=5)
        requests.post(admin + "/clock/advance", json={"days": 2}, timeout=5)
        requests.post(admin + "/faults", json={"path": "/user", "status": 500}, timeout=5)
        requests.post(admin + "/rate_limit", json={"limit": 5}, timeout=5)

        assert requests.post(admin + "/reset", timeout=5).status_code == 200

        assert requests.get(admin + "/state", timeout=5).json() == state
        assert requests.get(admin + "/events", timeout=5).json()[-1]["at"] == (
            "2019-09-01T12:00:00Z"
        )
        assert requests.get(admin + "/calls", timeout=5).json() == []
    finally:
        assert served.stop() == 0


# ------------------------------------------------------------------ the pytest plugin


def test_plugin_admin_reset_returns_to_the_tests_own_scenario_and_settings(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", team=SCENARIO)
    pytester.makepyfile(
        """
        import pytest
        import requests

        def admin_reset(fake):
            answer = requests.post(fake.root_url + "/_fake_ghe/reset", timeout=5)
            assert answer.status_code == 200
            return answer.json()

        @pytest.mark.fake_ghe(scenario="team.yaml", lockout_threshold=3)
        @pytest.mark.parametrize("which", ["fake_ghe", "fake_ghe_server"])
        def test_reset_during_a_test(which, request):
            fake = request.getfixturevalue(which)
            # The plugin's fakes have no seed: generated tokens differ, ids and the rest not.
            start = [(auth.id, auth.note, auth.scopes) for auth in fake.authorizations()]
            fake.add_user("mona", "pw")
            fake.set_lockout(7)
            fake.clock.advance(days=1)
            requests.delete(fake.url("/authorizations/1"), auth=("octocat", "s3cret"))

            counts = admin_reset(fake)

            assert counts == {"users": 2, "oauth_apps": 1, "grants": 1, "authorizations": 2}
            assert [(auth.id, auth.note, auth.scopes) for auth in fake.authorizations()] == start
            assert fake.authorization("0123456789abcdef0123456789abcdef01234567").id == 1
            assert fake.lockout_threshold == 3
            assert [call.path for call in fake.calls] == []

        def test_the_next_test_starts_from_its_own_baseline(fake_ghe_server):
            assert admin_reset(fake_ghe_server)["users"] == 0
            assert fake_ghe_server.lockout_threshold == 10
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=3)


# ------------------------------------------------------------------ Runtime itself


def test_a_store_given_to_create_app_resets_to_empty_on_its_clock() -> None:
    store = Store()
    store.clock.freeze(START)
    store.add_user("octocat", "pw")
    runtime: Runtime = create_app(store).extensions["fake_ghe"]
    assert runtime.store is store and runtime.baseline == Baseline(frozen_at=START)
    store.clock.advance(hours=1)
    runtime.reset()
    assert store.users() == [] and store.clock.now() == START


def test_rebase_with_a_bad_scenario_keeps_the_old_baseline() -> None:
    fake = make_fake()
    start = picture(fake)
    bad = parse_scenario_text("users: [{login: lisa}]", "bad.yaml")
    with pytest.raises(ScenarioError, match="password"):
        fake.runtime.rebase(Baseline(scenario=bad))
    assert picture(fake) == start
    fake.reset()
    assert picture(fake) == start


def test_bad_settings_are_refused_before_anything_changes() -> None:
    with pytest.raises(ValueError, match="lockout_window must be a positive"):
        Settings(lockout_window=timedelta(0))
    fake = FakeGHE()
    with pytest.raises(ValueError, match="otp_window must be"):
        fake.runtime.change_settings(lockout_threshold=2, otp_window=-1)
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == DEFAULTS
