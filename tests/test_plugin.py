"""The pytest plugin, driven through ``pytester``: fixtures, marker, options, messages."""

from __future__ import annotations

from textwrap import dedent

import pytest

from .plugin_support import run

SCENARIO = """\
users:
  - login: octocat
    password: s3cret
oauth_apps:
  - name: ci
    client_id: c1c1c1c1c1c1c1c1c1c1
    client_secret: "5555555555555555555555555555555555555555"
authorizations:
  - user: octocat
    app: c1c1c1c1c1c1c1c1c1c1
    scopes: [repo]
    token: 0123456789abcdef0123456789abcdef01234567
"""

OTHER_SCENARIO = """\
users:
  - login: {login}
    password: pw
"""


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


# ------------------------------------------------------------------ scenarios


def test_marker_scenario_resolves_against_the_test_folder_then_rootdir(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", **{"sub/local": OTHER_SCENARIO.format(login="local")})
    pytester.makefile(".yaml", root=OTHER_SCENARIO.format(login="root"))
    pytester.makefile(".yaml", **{"sub/root": OTHER_SCENARIO.format(login="shadowed")})
    pytester.makepyfile(
        **{
            "sub/test_marked": """
            import pytest

            @pytest.mark.fake_ghe(scenario="local.yaml")
            def test_local(fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["local"]

            @pytest.mark.fake_ghe("root.yaml")
            def test_the_test_folder_comes_first(fake_ghe_server):
                assert [u.login for u in fake_ghe_server.users()] == ["shadowed"]

            @pytest.mark.fake_ghe(scenario="sub/local.yaml")
            def test_rootdir_second(fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["local"]

            def test_unmarked(fake_ghe):
                assert fake_ghe.users() == []
            """
        }
    )
    run(pytester).assert_outcomes(passed=4)


def test_closest_marker_wins_and_a_mapping_is_a_scenario(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", module=OTHER_SCENARIO.format(login="module"))
    pytester.makefile(".yaml", klass=OTHER_SCENARIO.format(login="klass"))
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.fake_ghe(scenario="module.yaml", hostname="ghe.corp")

        def test_module_marker(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["module"]
            assert fake_ghe.base_url == "https://ghe.corp/api/v3"

        @pytest.mark.fake_ghe(scenario="klass.yaml")
        class TestClass:
            def test_class_marker(self, fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["klass"]
                assert fake_ghe.base_url == "https://ghe.corp/api/v3"  # from the module

            @pytest.mark.fake_ghe(scenario={"users": [{"login": "inline", "password": "pw"}]})
            def test_mapping(self, fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["inline"]

            @pytest.mark.fake_ghe(scenario=None)
            def test_none_means_empty(self, fake_ghe):
                assert fake_ghe.users() == []
        """
    )
    run(pytester, "--strict-markers").assert_outcomes(passed=4)


def test_ini_options_and_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ini=OTHER_SCENARIO.format(login="from-ini"))
    pytester.makefile(".yaml", cli=OTHER_SCENARIO.format(login="from-cli"))
    pytester.makefile(".yaml", marked=OTHER_SCENARIO.format(login="from-marker"))
    pytester.makeini(
        """
        [pytest]
        fake_ghe_scenario = ini.yaml
        fake_ghe_hostname = github.corp.example:8443
        """
    )
    pytester.makepyfile(
        """
        import os
        import pytest
        import requests

        EXPECTED = os.environ["EXPECTED_LOGIN"]

        def test_scenario(fake_ghe, fake_ghe_server):
            assert [u.login for u in fake_ghe.users()] == [EXPECTED]
            assert [u.login for u in fake_ghe_server.users()] == [EXPECTED]

        def test_hostname(fake_ghe, fake_ghe_server):
            assert fake_ghe.base_url == "https://github.corp.example:8443/api/v3"
            assert requests.get(fake_ghe.url("/meta")).status_code == 200
            # The live fake is where its socket is, whatever the configured name.
            assert fake_ghe_server.base_url.startswith("http://127.0.0.1:")

        @pytest.mark.fake_ghe(scenario="marked.yaml", hostname="ghe.marked")
        def test_marker_beats_both(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["from-marker"]
            assert fake_ghe.base_url == "https://ghe.marked/api/v3"
        """
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPECTED_LOGIN", "from-ini")
        run(pytester).assert_outcomes(passed=3)
        patch.setenv("EXPECTED_LOGIN", "from-cli")
        run(pytester, "--fake-ghe-scenario", "cli.yaml").assert_outcomes(passed=3)


def test_scenario_files_are_read_once_per_session_unless_changed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", s=OTHER_SCENARIO.format(login="first"))
    pytester.makepyfile(
        """
        from pathlib import Path
        import pytest

        from fake_ghe.scenario import reader

        READS = []

        @pytest.fixture(autouse=True)
        def count_parses(monkeypatch):
            real = reader.read_bytes
            def counting(raw, file="<scenario>"):
                READS.append(file)
                return real(raw, file)
            monkeypatch.setattr("pytest_fake_ghe.session.read_bytes", counting)

        @pytest.mark.fake_ghe("s.yaml")
        @pytest.mark.parametrize("n", range(3))
        def test_same_file(fake_ghe, n):
            assert [u.login for u in fake_ghe.users()] == ["first"]

        @pytest.mark.fake_ghe("s.yaml")
        def test_changed_file_is_read_again(fake_ghe, request):
            assert READS == ["s.yaml"]
            Path("s.yaml").write_text("users: [{login: second-version, password: pw}]")

        @pytest.mark.fake_ghe("s.yaml")
        def test_sees_the_change(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["second-version"]
            assert READS == ["s.yaml", "s.yaml"]
        """
    )
    run(pytester).assert_outcomes(passed=5)


# ------------------------------------------------------------------ failure messages


def test_a_bad_scenario_fails_setup_with_file_line_messages(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        **{
            "data/bad": dedent(
                """\
                users:
                  - login: octocat
                authorizations:
                  - user: nobody
                    scopes: [repo, flying]
                """
            )
        },
    )
    pytester.makepyfile(
        **{
            "data/test_bad": """
            import pytest

            @pytest.mark.fake_ghe(scenario="bad.yaml")
            def test_never_runs(fake_ghe):
                raise AssertionError("the test body must not run")
            """
        }
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_never_runs*",
            "fake-ghe: the scenario from @pytest.mark.fake_ghe(scenario=...) has 3 problems:",
            "data/bad.yaml:2: users[0].password: required key is missing",
            "data/bad.yaml:4: authorizations[0].user: no user 'nobody'; known users: octocat",
            "data/bad.yaml:5: authorizations[0].scopes[1]: unknown OAuth scope 'flying'",
        ]
    )
    # A message, not a traceback from inside the loader.
    assert "fake_ghe/scenario" not in result.stdout.str()
    assert "the test body must not run" not in result.stdout.str()


def test_a_missing_scenario_file_says_where_it_looked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_missing="""
        def test_x(fake_ghe_server):
            pass
        """
    )
    result = run(pytester, "--fake-ghe-scenario", "nowhere.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "fake-ghe: scenario file 'nowhere.yaml' (from --fake-ghe-scenario) not found; "
            "looked in:",
            f"  {pytester.path / 'nowhere.yaml'}",
        ]
    )


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


# ------------------------------------------------------------------ configuration


def test_options_and_marker_are_documented(pytester: pytest.Pytester) -> None:
    help_text = run(pytester, "--help")
    help_text.stdout.fnmatch_lines(
        [
            "fake GitHub Enterprise (fake_ghe fixtures):",
            "*--fake-ghe-scenario=PATH*",
            "*fake_ghe_scenario (string):*",
            "*fake_ghe_hostname (string):*",
            "*fake_ghe_passthrough (linelist):*",
        ]
    )
    run(pytester, "--markers").stdout.fnmatch_lines(
        [
            "@pytest.mark.fake_ghe(scenario=None, hostname=None, passthrough=(), lockout_threshold="
            "None, lockout_window=None, otp_window=None, unfired_faults=None, httpx=None):*"
        ]
    )
    fixtures = run(pytester, "--fixtures")
    # Each with its docstring; pytest lists them in "file:line" order as text (so "100" < "99").
    for listed in (
        ["fake_ghe_server -- *", "*A fresh fake GHE served on 127.0.0.1*"],
        ["fake_ghe_settings -- *", "*How this test's fake starts*"],
        ["fake_ghe -- *", "*A fresh fake GHE answering ``requests`` in-process*"],
        ["fake_ghe_factory [[]session scope[]] -- *", "*Makes fakes for module- or session-*"],
    ):
        fixtures.stdout.fnmatch_lines(listed)


def test_settings_fixture_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pytest_fake_ghe.options import FakeGHESettings

        @pytest.fixture
        def fake_ghe_settings():
            return FakeGHESettings(
                scenario={"users": [{"login": "from-conftest", "password": "pw"}]},
                hostname="decided.in.python",
            )
        """
    )
    pytester.makepyfile(
        """
        def test_x(fake_ghe):
            assert fake_ghe.base_url == "https://decided.in.python/api/v3"
            assert [u.login for u in fake_ghe.users()] == ["from-conftest"]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_passthrough_from_the_ini_file_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        fake_ghe_passthrough =
            http://127.0.0.1
        """
    )
    pytester.makepyfile(
        """
        import re
        import pytest
        import requests
        from fake_ghe import FakeGHE

        @pytest.fixture(scope="module")
        def other():
            with FakeGHE().serve() as fake:
                yield fake

        def test_ini_lets_localhost_through(fake_ghe, other):
            assert requests.get(other.url("/meta")).status_code == 200
            with pytest.raises(requests.ConnectionError):
                requests.get("https://api.github.com/meta")

        @pytest.mark.fake_ghe(passthrough=[re.compile(r"https?://localhost:\\d+/")])
        def test_marker_adds_a_pattern(fake_ghe, other):
            url = other.url("/meta").replace("127.0.0.1", "localhost")
            assert requests.get(url).status_code == 200

        def test_at_run_time(fake_ghe, other):
            url = other.url("/meta").replace("127.0.0.1", "localhost")
            with pytest.raises(requests.ConnectionError):
                requests.get(url)
            fake_ghe.passthrough(url)
            assert requests.get(url).status_code == 200
        """
    )
    run(pytester).assert_outcomes(passed=3)


# ------------------------------------------------------------------ a marker nothing reads


def test_a_marker_on_a_test_without_the_fixtures_warns_naming_it(
    pytester: pytest.Pytester,
) -> None:
    # Issue 11: such a marker used to be silently ignored.
    pytester.makepyfile(
        test_marked="""
        import pytest

        @pytest.fixture
        def through(fake_ghe):
            return fake_ghe

        @pytest.mark.fake_ghe(scenario={"users": [{"login": "octocat", "password": "pw"}]})
        def test_forgot_the_fixture():
            pass

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        def test_uses_it(fake_ghe):
            assert fake_ghe.base_url == "https://ghe.corp/api/v3"

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        def test_uses_the_server(fake_ghe_server):
            pass

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        def test_uses_it_through_a_fixture(through):
            pass

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        class TestSome:
            def test_with(self, fake_ghe):
                pass

            def test_without_is_fine_as_the_class_marker_serves_its_sibling(self):
                pass

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        class TestNone:
            def test_nothing_reads_the_class_marker(self):
                pass
        """,
        test_module_marker="""
        import pytest

        pytestmark = pytest.mark.fake_ghe(hostname="ghe.corp")

        def test_no_test_of_the_module_reads_it():
            pass
        """,
    )
    result = run(pytester, "-W", "always::pytest_fake_ghe.plugin.FakeGHEMarkerWarning")
    result.assert_outcomes(passed=8, warnings=3)
    for name in (
        "test_marked.py::test_forgot_the_fixture",
        "test_marked.py::TestNone::test_nothing_reads_the_class_marker",
        "test_module_marker.py::test_no_test_of_the_module_reads_it",
    ):
        result.stdout.fnmatch_lines(
            [
                f"*FakeGHEMarkerWarning: {name}: its fake_ghe marker is ignored: the test uses "
                "neither the fake_ghe nor the fake_ghe_server fixture"
            ]
        )
    assert "test_uses_it" not in result.stdout.str().split("warnings summary")[1]
    assert "test_without_is_fine" not in result.stdout.str()


def test_an_unread_marker_can_be_made_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_ghe(hostname="ghe.corp")
        def test_forgot_the_fixture():
            pass
        """
    )
    result = run(pytester, "-W", "error::pytest_fake_ghe.plugin.FakeGHEMarkerWarning")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_forgot_the_fixture: its fake_ghe marker is ignored*"])
