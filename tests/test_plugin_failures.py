"""The pytest plugin, driven through ``pytester``: failure messages, and errors inside the fake."""

from __future__ import annotations

import pytest

from .plugin_support import run


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            'fake_ghe(scenarios="x.yaml")',
            "@pytest.mark.fake_ghe got unknown argument(s) scenarios; "
            "it takes scenario, hostname, passthrough, lockout_threshold, lockout_window, "
            "otp_window, unfired_faults, httpx",
        ),
        (
            'fake_ghe("a.yaml", "b.yaml")',
            "@pytest.mark.fake_ghe takes at most one positional argument (the scenario); got 2",
        ),
        (
            "fake_ghe(scenario=42)",
            "fake-ghe: the scenario from @pytest.mark.fake_ghe(scenario=...) must be a file "
            "path or a mapping, not int",
        ),
        (
            'fake_ghe(hostname="no spaces please")',
            "fake-ghe: bad hostname: hostname 'no spaces please' is not a host name*",
        ),
        (
            "fake_ghe(lockout_threshold=0)",
            "fake-ghe: @pytest.mark.fake_ghe: lockout_threshold must be a whole number of at "
            "least 1, not 0",
        ),
        (
            'fake_ghe(otp_window="1")',
            "fake-ghe: @pytest.mark.fake_ghe: otp_window must be a whole number of at least 0, "
            "not '1'",
        ),
    ],
)
def test_marker_mistakes_fail_setup_plainly(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_x(fake_ghe):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])
    assert "Traceback" not in result.stdout.str()
    assert "During handling" not in result.stdout.str()


def test_assertion_failures_read_plainly_in_pytest_output(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_forgot_to_revoke(fake_ghe):
            fake_ghe.add_user("octocat", "pw")
            app = fake_ghe.add_app("ci")
            token = "0123456789abcdef0123456789abcdef01234567"
            auth = fake_ghe.add_authorization("octocat", app, token=token)
            fake_ghe.assert_revoked(auth)
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       fake_ghe.assert_revoked(auth)",
            "E       AssertionError: token ...01234567 (authorization 1, octocat's token for OAuth "
            "app 'ci') was not revoked: it is still live.",
            "E       What happened to it:",
            "E         *  created by seed",
        ]
    )
    output = result.stdout.str()
    message = [line for line in output.splitlines() if line.startswith("E ")]
    assert message and not any("0123456789abcdef0123456789abcdef01234567" in m for m in message)
    # The fake's own frames are hidden: the failure points at the test's line.
    assert "assertions.py" not in output


# ------------------------------------------------------------------ errors inside the fake


def test_an_error_inside_the_live_server_fails_the_test_that_caused_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_breaks_the_fake(fake_ghe_server, monkeypatch):
            fake_ghe_server.add_user("octocat", "pw")

            def list_authorizations_broken(*args, **kwargs):
                raise RuntimeError("store is broken")

            store = fake_ghe_server.store
            monkeypatch.setattr(store, "list_authorizations", list_authorizations_broken)
            answer = httpx.get(fake_ghe_server.url("/authorizations"), auth=("octocat", "pw"))
            assert answer.status_code == 500

        def test_next_one_is_not_blamed(fake_ghe_server):
            assert httpx.get(fake_ghe_server.url("/meta")).status_code == 200
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_breaks_the_fake*",
            "E       fake_ghe.fake.FakeServerError: fake-ghe failed 1 time(s) while answering "
            "requests; this is a bug in fake-ghe, not in the code under test:",
            "E       Traceback (most recent call last):",
            "E         File */fake_ghe/api/authorizations.py*, in list_authorizations",
            "E         File *, in list_authorizations_broken",
            'E           raise RuntimeError("store is broken")',
            "E       RuntimeError: store is broken",
        ]
    )
    assert "ERROR at teardown of test_next_one_is_not_blamed" not in result.stdout.str()


def test_an_error_inside_the_in_process_fake_fails_at_teardown_too(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_breaks_the_fake(fake_ghe, monkeypatch):
            def broken(**fields):
                raise RuntimeError("journal is broken")

            monkeypatch.setattr(fake_ghe.store.journal, "call", broken)
            assert requests.get(fake_ghe.url("/meta")).status_code == 500
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_breaks_the_fake*", "*journal is broken*"]
    )


def test_an_error_from_an_earlier_tests_request_is_reported_not_dropped(
    pytester: pytest.Pytester,
) -> None:
    # A request a test left running fails inside the fake after that test's teardown check.
    pytester.makepyfile(
        """
        import threading
        import httpx
        import pytest

        LATE = {}

        def test_leaves_a_request_running(fake_ghe_server):
            fake_ghe_server.add_user("octocat", "pw")
            release = threading.Event()

            def late_request():
                release.wait(10)
                httpx.get(fake_ghe_server.url("/authorizations"), auth=("octocat", "pw"))

            LATE["thread"] = threading.Thread(target=late_request)
            LATE["release"], LATE["fake"] = release, fake_ghe_server
            LATE["thread"].start()

        @pytest.fixture
        def late_failure():
            # Runs after the first test's teardown and before this test's fake_ghe_server.
            fake = LATE["fake"]

            def broken(*args, **kwargs):
                raise RuntimeError("store is broken")

            fake.store.list_authorizations = broken
            try:
                LATE["release"].set()
                LATE["thread"].join(10)
            finally:
                del fake.store.list_authorizations

        def test_next_one(late_failure, fake_ghe_server):
            pass

        def test_then_all_is_well(fake_ghe_server):
            assert fake_ghe_server.errors == []
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_next_one*",
            "fake-ghe: a request that an earlier test started (still running when that test "
            "ended) failed inside the fake; this test is not to blame.",
            "*RuntimeError: store is broken",
        ]
    )
