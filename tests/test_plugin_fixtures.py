"""The pytest plugin, driven through ``pytester``: the ``fake_ghe`` and ``fake_ghe_server``
fixtures."""

from __future__ import annotations

import pytest

from .plugin_support import run

# ------------------------------------------------------------------ the two fixtures


def test_fake_ghe_is_fresh_for_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests
        from datetime import datetime, timezone

        def test_first(fake_ghe):
            assert fake_ghe.base_url == "https://ghe.example.com/api/v3"
            user = fake_ghe.add_user("octocat", "pw")
            auth = fake_ghe.add_authorization(user, note="laptop")
            assert auth.id == 1
            fake_ghe.fail("GET", "/user", 500, times=None)
            fake_ghe.clock.freeze(datetime(2019, 1, 1, tzinfo=timezone.utc))
            fake_ghe.exhaust_rate_limit()
            url = fake_ghe.url(f"/authorizations/{auth.id}")
            assert requests.delete(url, auth=("octocat", "pw")).status_code == 403  # rate limit

        def test_second_sees_nothing_of_the_first(fake_ghe):
            assert fake_ghe.users() == [] and fake_ghe.events == [] and fake_ghe.calls == []
            assert fake_ghe.faults.armed() == [] and not fake_ghe.clock.frozen
            fake_ghe.add_user("octocat", "other")
            auth = fake_ghe.add_authorization("octocat", note="laptop")
            assert auth.id == 1
            answer = requests.delete(fake_ghe.url("/authorizations/1"), auth=("octocat", "other"))
            assert answer.status_code == 204
            fake_ghe.assert_revoked(auth.token, cause="user_delete", by="octocat")
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_fake_ghe_server_serves_any_client_on_one_port_per_session(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import json
        import urllib.request
        import httpx

        PORTS = set()

        def test_urllib(fake_ghe_server):
            assert fake_ghe_server.base_url.startswith("http://127.0.0.1:")
            PORTS.add(fake_ghe_server.server.port)
            fake_ghe_server.add_user("octocat", "pw")
            with urllib.request.urlopen(fake_ghe_server.url("/meta")) as answer:
                assert json.load(answer)["installed_version"] == "2.18.0"

        def test_httpx_sees_a_fresh_state(fake_ghe_server):
            PORTS.add(fake_ghe_server.server.port)
            assert fake_ghe_server.users() == []
            fake_ghe_server.add_user("octocat", "pw2")
            created = httpx.post(
                fake_ghe_server.url("/authorizations"), auth=("octocat", "pw2"), json={"note": "n"}
            )
            assert created.status_code == 201
            # url fields name the address the client used.
            assert created.json()["url"] == fake_ghe_server.url("/authorizations/1")
            fake_ghe_server.assert_not_revoked(created.json()["token"])

        def test_one_server_for_the_session():
            assert len(PORTS) == 1
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_both_fixtures_in_one_test_are_two_fakes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_both(fake_ghe, fake_ghe_server):
            fake_ghe.add_user("inproc", "pw")
            fake_ghe_server.add_user("live", "pw")
            # requests is patched, yet the live fake stays reachable through it.
            assert requests.get(fake_ghe_server.url("/authorizations"), auth=("live", "pw")).ok
            assert requests.get(fake_ghe.url("/authorizations"), auth=("inproc", "pw")).ok
            wrong = requests.get(fake_ghe.url("/authorizations"), auth=("live", "pw"))
            assert wrong.status_code == 401
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_closing_the_server_fixture_does_not_stop_it_for_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    # FakeGHE is a context manager: a test may close the session's live fake by mistake.
    pytester.makepyfile(
        """
        import httpx
        import requests

        def test_closes_it_with_with(fake_ghe_server):
            with fake_ghe_server:
                assert httpx.get(fake_ghe_server.url("/meta")).status_code == 200
            assert fake_ghe_server.server is None

        def test_is_served_again(fake_ghe_server):
            assert fake_ghe_server.base_url.startswith("http://127.0.0.1:")
            fake_ghe_server.add_user("octocat", "pw")
            answer = httpx.get(fake_ghe_server.url("/authorizations"), auth=("octocat", "pw"))
            assert answer.status_code == 200
            fake_ghe_server.close()

        def test_and_again_next_to_the_in_process_fake(fake_ghe, fake_ghe_server):
            assert fake_ghe_server.base_url.startswith("http://127.0.0.1:")
            # Reached through the in-process fake's patch of requests (passthrough).
            assert requests.get(fake_ghe_server.url("/meta")).status_code == 200
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_sign_in_settings_last_one_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from datetime import timedelta
        import pytest
        import requests

        def wrong_passwords(fake, times):
            for _ in range(times):
                answer = requests.get(fake.url("/authorizations"), auth=("octocat", "wrong"))
                assert answer.status_code == 401

        def test_tightens_them(fake_ghe, fake_ghe_server):
            fake_ghe.set_lockout(2, 60)
            fake_ghe.otp_window = 0
            fake_ghe_server.set_lockout(1)
            fake_ghe_server.store.otp_window = 0
            fake_ghe.add_user("octocat", "pw")
            wrong_passwords(fake_ghe, 2)
            locked = requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw"))
            assert locked.status_code == 403

        def test_next_has_the_defaults(fake_ghe, fake_ghe_server):
            for fake in (fake_ghe, fake_ghe_server):
                assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
                    10, timedelta(hours=1), 1
                )
            fake_ghe.add_user("octocat", "pw")
            wrong_passwords(fake_ghe, 9)
            answer = requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw"))
            assert answer.status_code == 200

        @pytest.mark.fake_ghe(lockout_threshold=3, lockout_window=120, otp_window=0)
        def test_marker(fake_ghe, fake_ghe_server):
            for fake in (fake_ghe, fake_ghe_server):
                assert (fake.lockout_threshold, fake.lockout_window, fake.otp_window) == (
                    3, timedelta(minutes=2), 0
                )
            fake_ghe.add_user("octocat", "pw")
            wrong_passwords(fake_ghe, 3)
            locked = requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw"))
            assert locked.status_code == 403
            fake_ghe.clock.advance(seconds=121)
            assert requests.get(fake_ghe.url("/user"), auth=("octocat", "pw")).status_code == 200

        def test_after_the_marker(fake_ghe):
            assert (fake_ghe.lockout_threshold, fake_ghe.otp_window) == (10, 1)
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_seeding_two_factor_and_sms_through_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_sms(fake_ghe):
            fake_ghe.add_user("mona", "pw", two_factor="sms")
            url = fake_ghe.url("/authorizations")
            first = requests.post(url, auth=("mona", "pw"), json={"note": "x"})
            assert first.headers["X-GitHub-OTP"] == "required; sms"
            code = fake_ghe.last_sms_code("mona")
            assert code == fake_ghe.otp("mona")
            otp = {"X-GitHub-OTP": code}
            ok = requests.post(url, auth=("mona", "pw"), json={"note": "x"}, headers=otp)
            assert ok.status_code == 201
        """
    )
    run(pytester).assert_outcomes(passed=1)
