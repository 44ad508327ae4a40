"""FakeGHE without pytest fixtures: seeding, lookups, journals, faults, clock, transports."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import requests

from fake_ghe import FakeGHE, FakeServerError, TwoFactor
from fake_ghe.fake import split_hostname
from fake_ghe.journal import CREATED, REVOKED, USER_DELETE
from fake_ghe.scenario import DEMO_SCENARIO, ScenarioError
from fake_ghe.store import SeedError

START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE(frozen_at=START).intercept() as fake:
        yield fake


def get(fake: FakeGHE, path: str, auth: tuple[str, str], **kwargs: object) -> requests.Response:
    return requests.get(fake.url(path), auth=auth, **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------ where it answers


def test_default_address_and_the_url_helper() -> None:
    fake = FakeGHE()
    assert fake.base_url == "https://ghe.example.com/api/v3"
    assert fake.root_url == "https://ghe.example.com"
    assert fake.url("/authorizations") == "https://ghe.example.com/api/v3/authorizations"
    assert fake.url("user") == "https://ghe.example.com/api/v3/user"
    # Issue 11: with the API prefix too, as fault paths take it (it used to be doubled).
    assert fake.url("/api/v3/authorizations") == "https://ghe.example.com/api/v3/authorizations"
    assert fake.url("api/v3/user") == "https://ghe.example.com/api/v3/user"
    assert fake.url("/api/v3") == fake.url("/") == "https://ghe.example.com/api/v3/"
    # Only a whole leading segment is the prefix.
    assert fake.url("/api/v3x") == "https://ghe.example.com/api/v3/api/v3x"
    assert repr(fake) == "<FakeGHE https://ghe.example.com/api/v3>"


def test_url_with_or_without_the_prefix_over_a_socket() -> None:
    with FakeGHE().serve() as fake:
        assert fake.url("/api/v3/authorizations") == fake.base_url + "/authorizations"
        assert fake.url("/api/v3/authorizations") == fake.url("/authorizations")
        assert requests.get(fake.url("/api/v3/user"), timeout=10).status_code == 401


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ghe.corp", ("https", "ghe.corp")),
        ("ghe.corp:8443", ("https", "ghe.corp:8443")),
        ("http://ghe.local", ("http", "ghe.local")),
        ("https://ghe.corp/api/v3", ("https", "ghe.corp")),
        ("  ghe.corp ", ("https", "ghe.corp")),
    ],
)
def test_hostnames_accepted(given: str, expected: tuple[str, str]) -> None:
    assert split_hostname(given) == expected


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("", "non-empty"),
        ("https://ghe.corp/enterprise", "not a path"),
        ("ftp://ghe.corp", "http or https"),
        ("ghe corp", "not a host name"),
    ],
)
def test_hostnames_refused(given: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        FakeGHE(given)


def test_url_fields_name_the_configured_host() -> None:
    with FakeGHE("http://ghe.local:8080").intercept() as fake:
        fake.add_user("octocat", "pw")
        created = requests.post(
            fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "x"}
        )
    assert created.json()["url"] == "http://ghe.local:8080/api/v3/authorizations/1"


def test_url_fields_of_a_served_fake_name_the_socket_and_go_back_after() -> None:
    fake = FakeGHE().serve()
    try:
        fake.add_user("octocat", "pw")
        assert fake.base_url.startswith("http://127.0.0.1:")
        created = httpx.post(
            fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "x"}
        )
        assert created.json()["url"] == fake.url("/authorizations/1")
    finally:
        fake.close()
    assert fake.base_url == "https://ghe.example.com/api/v3"
    assert fake.config.hostname == "ghe.example.com"


def test_changing_the_hostname_while_intercepting_is_refused(fake: FakeGHE) -> None:
    with pytest.raises(RuntimeError, match="close"):
        fake.configure("other.example.com")


def test_closing_a_served_fake_stops_its_thread_and_frees_its_port() -> None:
    fake = FakeGHE().serve()
    assert fake.server is not None
    port, url = fake.server.port, fake.url("/meta")
    assert httpx.get(url).status_code == 200
    assert f"fake-ghe:{port}" in {thread.name for thread in threading.enumerate()}
    fake.close()
    # (How fast that is belongs to benchmarks, not to an assert here.)
    assert f"fake-ghe:{port}" not in {thread.name for thread in threading.enumerate()}
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)
    with socket.socket() as sock:  # nothing listens there any more
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_close_is_idempotent_and_the_fake_is_a_context_manager() -> None:
    with FakeGHE() as fake:
        fake.intercept().serve()
    fake.close()
    assert fake.server is None


# ------------------------------------------------------------------ seeding


def test_seeding_returns_typed_objects_with_ids_and_tokens(fake: FakeGHE) -> None:
    user = fake.add_user("octocat", "pw", name="The Octocat", email="o@example.com")
    app = fake.add_app("ci", "https://ci.example.com")
    auth = fake.add_authorization(user, app, scopes=["repo"], note="n", fingerprint="fp")
    assert (user.id, user.login, user.name) == (1, "octocat", "The Octocat")
    assert len(app.client_id) == 20 and len(app.client_secret) == 40
    assert auth.id == 1 and len(auth.token) == 40 and auth.client_id == app.client_id
    assert (auth.scopes, auth.note, auth.fingerprint) == (("repo",), "n", "fp")
    # What was seeded is what the API shows.
    check = requests.get(
        fake.url(f"/applications/{app.client_id}/tokens/{auth.token}"),
        auth=(app.client_id, app.client_secret),
    )
    assert check.json()["user"]["login"] == "octocat"


def test_personal_tokens_get_a_free_note_unless_given(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.add_user("hubot", "pw")
    notes = [fake.add_authorization("octocat").note for _ in range(2)]
    fake.add_authorization("octocat", note="token 3")
    notes.append(fake.add_authorization("octocat").note)
    assert notes == ["token 1", "token 2", "token 4"]
    assert fake.add_authorization("hubot").note == "token 1"


def test_an_app_may_be_named_by_its_name_when_seeding_and_looking(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    ci = fake.add_app("ci")
    auth = fake.add_authorization("octocat", "ci")
    assert auth.client_id == ci.client_id
    assert fake.authorizations(app="ci") == [auth]
    assert fake.authorizations(app="no such app") == []
    # Two apps of one name: the name says neither, so it is refused, saying why.
    fake.add_app("twin")
    fake.add_app("twin")
    with pytest.raises(SeedError, match="2 apps are named 'twin'; give the client_id"):
        fake.add_authorization("octocat", "twin")


def test_seeding_mistakes_raise_seed_error(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    with pytest.raises(SeedError, match="already exists"):
        fake.add_user("OCTOCAT", "pw")
    with pytest.raises(SeedError, match="no user 'nobody'"):
        fake.add_authorization("nobody")
    with pytest.raises(SeedError, match="no OAuth app"):
        fake.add_authorization("octocat", "0" * 19 + "1")


@pytest.mark.parametrize("kind", ["app", "sms", True])
def test_two_factor_by_kind_makes_a_secret_and_otp_gives_a_working_code(
    fake: FakeGHE, kind: str | bool
) -> None:
    user = fake.add_user("hubot", "pw", two_factor=kind)
    assert user.two_factor is not None
    assert user.two_factor.type == ("app" if kind is True else kind)
    assert get(fake, "/authorizations", ("hubot", "pw")).status_code == 401
    answer = get(
        fake, "/authorizations", ("hubot", "pw"), headers={"X-GitHub-OTP": fake.otp("hubot")}
    )
    assert answer.status_code == 200


def test_two_factor_from_a_mapping_or_object(fake: FakeGHE) -> None:
    a = fake.add_user("a", "pw", two_factor={"type": "sms", "totp_secret": SECRET})
    b = fake.add_user("b", "pw", two_factor=TwoFactor("app", SECRET))
    assert a.two_factor == TwoFactor("sms", SECRET)
    assert b.two_factor == TwoFactor("app", SECRET)
    assert fake.add_user("c", "pw", two_factor=False).two_factor is None
    with pytest.raises(SeedError, match="'app' or 'sms'"):
        fake.add_user("d", "pw", two_factor="email")


def test_otp_follows_the_fake_clock(fake: FakeGHE) -> None:
    fake.add_user("hubot", "pw", two_factor={"type": "app", "totp_secret": SECRET})
    code = fake.otp("hubot")
    fake.clock.advance(minutes=5)
    assert fake.otp("hubot") != code
    stale = get(fake, "/authorizations", ("hubot", "pw"), headers={"X-GitHub-OTP": code})
    assert stale.status_code == 401
    fake.add_user("plain", "pw")
    with pytest.raises(SeedError, match="no two-factor"):
        fake.otp("plain")


def test_sms_codes_texted_on_create_are_readable(fake: FakeGHE) -> None:
    fake.add_user("mona", "pw", two_factor="sms")
    with pytest.raises(LookupError, match="no code was texted to 'mona'"):
        fake.last_sms_code("mona")
    first = requests.post(fake.url("/authorizations"), auth=("mona", "pw"), json={"note": "x"})
    assert first.status_code == 401
    assert first.headers["X-GitHub-OTP"] == "required; sms"
    assert fake.sms_codes("mona") == [fake.last_sms_code("mona")]
    second = requests.post(
        fake.url("/authorizations"),
        auth=("mona", "pw"),
        json={"note": "x"},
        headers={"X-GitHub-OTP": fake.last_sms_code("mona")},
    )
    assert second.status_code == 201


def test_load_scenario_from_a_path_or_a_mapping(fake: FakeGHE) -> None:
    loaded = fake.load_scenario(DEMO_SCENARIO)
    assert [user.login for user in loaded.users] == ["octocat", "hubot", "monalisa"]
    fake.load_scenario({"users": [{"login": "extra", "password": "pw"}]})
    assert fake.user("extra") is not None
    with pytest.raises(ScenarioError, match="already exists"):
        fake.load_scenario({"users": [{"login": "extra", "password": "pw"}]})
    fake.load_scenario({"users": [{"login": "only", "password": "pw"}]}, replace=True)
    assert [user.login for user in fake.users()] == ["only"]


def test_scenario_and_seed_given_to_the_constructor() -> None:
    one, two = FakeGHE(scenario=DEMO_SCENARIO, seed=7), FakeGHE(scenario=DEMO_SCENARIO, seed=7)
    assert [a.token for a in one.authorizations()] == [a.token for a in two.authorizations()]
    assert one.oauth_app("abcde12345fghij67890").name == "my github app"  # type: ignore[union-attr]


# ------------------------------------------------------------------ lookups and journals


def test_lookups_see_only_live_tokens(fake: FakeGHE) -> None:
    octocat = fake.add_user("octocat", "pw")
    fake.add_user("hubot", "pw")
    app = fake.add_app("ci")
    personal = fake.add_authorization(octocat)
    app_token = fake.add_authorization(octocat, app)
    hubots = fake.add_authorization("hubot", app.client_id)
    assert fake.authorization(personal.id) is personal
    assert fake.authorization(personal.token) is personal
    assert fake.authorizations(user="OCTOCAT") == [personal, app_token]
    assert fake.authorizations(app=app) == [app_token, hubots]
    assert fake.authorizations(user=octocat, app=app.client_id) == [app_token]
    assert fake.oauth_apps() == [app]
    requests.delete(fake.url(f"/authorizations/{personal.id}"), auth=("octocat", "pw"))
    assert fake.authorization(personal.id) is None
    assert fake.authorization(personal.token) is None
    assert fake.authorizations(user="octocat") == [app_token]


def test_journals_record_events_and_redacted_calls(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    auth = fake.add_authorization("octocat", note="laptop")
    fake.clock.advance(seconds=30)
    requests.delete(fake.url(f"/authorizations/{auth.id}"), auth=("octocat", "pw"))
    assert [(e.kind, e.actor, e.cause) for e in fake.events] == [
        (CREATED, "seed", None),
        (REVOKED, "octocat", USER_DELETE),
    ]
    assert fake.events[1].at == START + timedelta(seconds=30)
    assert fake.history(auth.token) == fake.events == fake.journal.events
    [call] = fake.calls
    assert (call.method, call.path, call.status, call.principal) == (
        "DELETE",
        f"/api/v3/authorizations/{auth.id}",
        204,
        "octocat",
    )
    app = fake.add_app("ci")
    token = fake.add_authorization("octocat", app).token
    requests.get(
        fake.url(f"/applications/{app.client_id}/tokens/{token}"),
        auth=(app.client_id, app.client_secret),
    )
    assert token not in fake.calls[-1].path
    assert fake.calls[-1].path.endswith("***" + token[-8:])


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


# ------------------------------------------------------------------ clock


def test_clock_drives_timestamps(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    auth = fake.add_authorization("octocat")
    assert auth.created_at == START
    fake.clock.advance(days=1)
    patched = requests.patch(
        fake.url(f"/authorizations/{auth.id}"), auth=("octocat", "pw"), json={"note": "renamed"}
    )
    assert patched.json()["updated_at"] == "2019-09-02T12:00:00Z"
    fake.clock.advance(timedelta(hours=1), minutes=1)
    assert fake.clock.now() == START + timedelta(days=1, hours=1, minutes=1)
    fake.clock.set(datetime(2020, 1, 1))
    assert fake.clock.now() == datetime(2020, 1, 1, tzinfo=timezone.utc)
    fake.clock.unfreeze()
    assert not fake.clock.frozen


def test_clock_takes_iso_strings_as_the_cli_and_admin_api_do(fake: FakeGHE) -> None:
    fake.clock.set("2020-01-01T00:00:00Z")
    assert fake.clock.now() == datetime(2020, 1, 1, tzinfo=timezone.utc)
    fake.clock.unfreeze()
    assert fake.clock.freeze("2019-09-01T14:00:00+02:00") == START
    assert fake.clock.now() == START
    assert FakeGHE(frozen_at="2019-09-01T12:00:00").clock.now() == START
    with pytest.raises(ValueError):
        fake.clock.set("yesterday")


def test_clock_ends_a_login_lockout(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    for _ in range(fake.store.lockout_threshold):
        assert get(fake, "/authorizations", ("octocat", "wrong")).status_code == 401
    locked = get(fake, "/authorizations", ("octocat", "pw"))
    assert locked.status_code == 403
    assert locked.json()["message"].startswith("Maximum number of login attempts exceeded")
    fake.clock.advance(hours=1, seconds=1)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200


def test_lockout_and_otp_window_are_set_on_the_fake_and_reset_to_the_constructors(
    fake: FakeGHE,
) -> None:
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )
    fake.add_user("octocat", "pw")
    fake.set_lockout(2, 60)
    assert (fake.lockout_threshold, fake.lockout_window) == (2, timedelta(minutes=1))
    for _ in range(2):
        assert get(fake, "/authorizations", ("octocat", "wrong")).status_code == 401
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 403
    fake.clock.advance(seconds=61)
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200
    fake.otp_window = 0
    fake.reset()
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )

    strict = FakeGHE(lockout_threshold=3, lockout_window=timedelta(minutes=5), otp_window=0)
    strict.set_lockout(5)  # the window stays
    strict.reset()
    assert (strict.lockout_threshold, strict.lockout_window, strict.otp_window) == (
        3,
        timedelta(minutes=5),
        0,
    )


def test_otp_window_decides_which_codes_pass(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw", two_factor={"type": "app", "totp_secret": SECRET})
    previous = fake.otp("octocat")
    fake.clock.advance(seconds=30)

    def create() -> int:
        return requests.post(
            fake.url("/authorizations"),
            auth=("octocat", "pw"),
            headers={"X-GitHub-OTP": previous},
            json={"note": f"n{len(fake.events)}"},
        ).status_code

    assert create() == 201  # one step either side by default
    fake.otp_window = 0
    assert create() == 401


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.set_lockout(0), "lockout_threshold must be a whole number of at least 1"),
        (lambda f: f.set_lockout(3, -1), "lockout_window must be a positive"),
        (lambda f: setattr(f, "otp_window", -1), "otp_window must be a whole number"),
        (lambda f: FakeGHE(lockout_threshold=True), "lockout_threshold must be"),
    ],
)
def test_bad_lockout_and_otp_settings_are_refused(
    fake: FakeGHE, call: Callable[[FakeGHE], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(fake)
    assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
        10,
        timedelta(hours=1),
        1,
    )


# ------------------------------------------------------------------ reset and internal errors


def test_reset_forgets_everything_since_construction(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.add_authorization("octocat")
    fake.fail("GET", "*", 500, times=None)
    fake.exhaust_rate_limit()
    fake.clock.unfreeze()
    fake.clock.advance(days=3)
    fake.reset()
    assert fake.users() == [] and fake.events == [] and fake.faults.armed() == []
    # The fixture's fake was built with frozen_at=START: reset freezes it there again.
    assert fake.clock.frozen and fake.clock.now() == START
    fake.add_user("octocat", "pw")
    assert fake.add_authorization("octocat").id == 1
    assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 200
    assert fake.calls[0].seq == 1


def test_an_exception_inside_the_fake_answers_500_and_check_raises_it(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_user("octocat", "pw")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("store is broken")

    monkeypatch.setattr(fake.store, "list_authorizations", broken)
    with caplog.at_level(logging.CRITICAL, logger="fake_ghe"):
        answer = get(fake, "/authorizations", ("octocat", "pw"))
    assert answer.status_code == 500
    with pytest.raises(FakeServerError, match="bug in fake-ghe") as raised:
        fake.check()
    assert [str(error) for error in raised.value.errors] == ["store is broken"]
    assert "RuntimeError: store is broken" in str(raised.value)
    assert "list_authorizations" in str(raised.value)  # the traceback is in the message
    fake.check()  # reported once


def test_an_exception_after_the_view_is_kept_too(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**fields: object) -> None:
        raise RuntimeError("journal is broken")

    monkeypatch.setattr(fake.store.journal, "call", broken)
    with caplog.at_level(logging.CRITICAL):
        assert requests.get(fake.url("/meta")).status_code == 500
    assert [str(error) for error in fake.errors] == ["journal is broken"]


def test_reset_keeps_internal_errors_for_check(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A request still running from before a reset may hit a bug; it must not vanish unseen.
    monkeypatch.setattr(fake.store, "list_authorizations", lambda *a, **k: 1 / 0)
    fake.add_user("octocat", "pw")
    with caplog.at_level(logging.CRITICAL, logger="fake_ghe"):
        assert get(fake, "/authorizations", ("octocat", "pw")).status_code == 500
    fake.reset()
    with pytest.raises(FakeServerError, match="ZeroDivisionError"):
        fake.check()
