"""The pytest plugin, driven through ``pytester``: options, settings, passthrough, and a marker
nothing reads."""

from __future__ import annotations

import pytest

from .plugin_support import run

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
