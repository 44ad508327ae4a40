"""A failing test explains itself (issue 11): its report carries the fake's calls and events
during that test, redacted and bounded; faults it armed that never fired warn, or error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .plugin_support import SCENARIO, TOKEN, run

README = Path(__file__).resolve().parent.parent / "README.md"


def section(output: str, label: str) -> str:
    """The text of one "fake-ghe calls and events" section of a run's output."""
    found = re.search(
        rf"-+ fake-ghe calls and events: {re.escape(label)} -+\n(.*?)(?=\n[-=_]{{3,}} |\Z)",
        output,
        re.S,
    )
    assert found, f"no section for {label} in:\n{output}"
    return found.group(1)


def test_a_failing_test_shows_its_own_calls_and_events_redacted(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", team=SCENARIO)
    pytester.makepyfile(
        f"""
        import pytest, requests

        pytestmark = pytest.mark.fake_ghe(scenario="team.yaml")

        def test_earlier_passes(fake_ghe):
            requests.get(fake_ghe.url("/earlier-test-only"), auth=("octocat", "s3cret"))

        def test_rotates(fake_ghe):
            base = fake_ghe.base_url
            requests.get(base + "/user", auth=("octocat", "wrong password"))
            requests.get(base + "/user", headers={{"Authorization": "token {TOKEN}"}})
            client = ("c1c1c1c1c1c1c1c1c1c1", "5555555555555555555555555555555555555555")
            reset = requests.post(base + "/applications/c1c1c1c1c1c1c1c1c1c1/tokens/{TOKEN}",
                                  auth=client)
            assert reset.status_code == 200
            assert reset.json()["token"] == "{TOKEN}", "rotated"
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    text = section(result.stdout.str(), "fake_ghe")
    lines = text.splitlines()
    assert lines[0].startswith(
        "fake_ghe at https://ghe.example.com/api/v3: 3 calls and 1 event during this test"
    )
    calls = [line for line in lines if re.match(r"  #\d+ (GET|POST) ", line)]
    assert [re.sub(r"#\d+ ", "", line).strip() for line in calls] == [
        "GET /api/v3/user -> 401  octocat (failed)",
        "GET /api/v3/user -> 200  octocat (token ...01234567)",
        "POST /api/v3/applications/c1c1c1c1c1c1c1c1c1c1/tokens/***01234567 -> 200  "
        "app:c1c1c1c1c1c1c1c1c1c1",
    ]
    [event] = [line for line in lines if "reset (app_reset)" in line]
    assert "authorization 1 of octocat, app 'ci', token ..." in event
    assert event.endswith("by app:c1c1c1c1c1c1c1c1c1c1")
    # Neither the old token nor the new one, a password or the app's secret appear whole.
    new_token = re.search(r"\+ ([0-9a-f]{40})\n", result.stdout.str())
    assert new_token and new_token.group(1)[-8:] in event and new_token.group(1) not in text
    assert TOKEN not in text and "s3cret" not in text and "wrong password" not in text
    assert "5555555555555555555555555555555555555555" not in text
    # The other test's calls are not this one's.
    assert "earlier-test-only" not in result.stdout.str()
    # The scenario's own "created" event came before the test started.
    assert "created" not in text


def test_the_readmes_failure_example_shows_what_the_readme_says(
    pytester: pytest.Pytester,
) -> None:
    blocks = dict(
        re.findall(r"<!-- failure-example:(\S+) -->\s*```\w*\n(.*?)```", README.read_text(), re.S)
    )
    assert sorted(blocks) == ["output", "test_offboarding.py"]
    pytester.makepyfile(test_offboarding=blocks["test_offboarding.py"])
    result = run(pytester)
    result.assert_outcomes(failed=1)
    shown = blocks["output"].splitlines()
    at = result.outlines.index(shown[0])
    assert result.outlines[at : at + len(shown)] == shown


def test_a_passing_test_carries_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_passes(fake_ghe, fake_ghe_server):
            requests.get(fake_ghe.url("/meta"))
            requests.get(fake_ghe_server.url("/meta"))
        """
    )
    result = run(pytester, "-rA")  # -rA would print the sections of passing tests too
    result.assert_outcomes(passed=1)
    assert "fake-ghe calls and events" not in result.stdout.str()


def test_no_calls_is_said_and_each_fake_has_its_own_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_never_reached(fake_ghe, fake_ghe_server):
            requests.get(fake_ghe_server.url("/meta"))
            assert False, "the client never called fake_ghe"
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    in_process = section(result.stdout.str(), "fake_ghe")
    assert "0 calls and 0 events" in in_process
    assert "calls: none" in in_process and "events: none" in in_process
    served = section(result.stdout.str(), "fake_ghe_server")
    assert re.search(r"#\d+ GET /api/v3/meta -> 200  \(no credentials\)", served)


def test_a_long_story_shows_its_newest_fifty_calls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_many(fake_ghe):
            for number in range(60):
                requests.get(fake_ghe.url(f"/meta?n={number}"))
            fake_ghe.disconnect("GET", "/meta")
            try:
                requests.get(fake_ghe.url("/meta?n=last"))
            except requests.ConnectionError:
                pass
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    text = section(result.stdout.str(), "fake_ghe")
    assert "61 calls and 0 events" in text
    assert "  ... 11 earlier calls not shown" in text
    assert "n=10 " not in text and "n=11 " in text
    assert re.search(r"GET /api/v3/meta\?n=last -> dropped  \(no credentials\)", text)


def test_setup_and_teardown_failures_are_explained_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest, requests

        @pytest.fixture
        def breaks_after(fake_ghe):
            yield
            requests.get(fake_ghe.url("/from-teardown"))
            raise RuntimeError("teardown broke")

        def test_fails_then_breaks(breaks_after, fake_ghe):
            requests.get(fake_ghe.url("/from-call"))
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1, errors=1)
    output = result.stdout.str()
    assert output.count("fake-ghe calls and events: fake_ghe") == 1  # on the first failure
    assert "/from-call" in section(output, "fake_ghe")


def test_sections_travel_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import requests

        def test_fails(fake_ghe):
            requests.get(fake_ghe.url("/meta"))
            assert False
        """
    )
    result = run(pytester, "-n", "1", "-p", "xdist")
    result.assert_outcomes(failed=1)
    assert re.search(r"#\d+ GET /api/v3/meta -> 200", section(result.stdout.str(), "fake_ghe"))


# ------------------------------------------------------------------ faults that never fired


UNFIRED = """
import requests

def test_typo(fake_ghe):
    fake_ghe.fail("GET", "/users", 503)          # the code calls /user
    fake_ghe.fail("GET", "/meta", 502, times=2)  # fires once of two
    fake_ghe.fail("GET", "/meta", 500, times=None)
    requests.get(fake_ghe.url("/meta"))
    requests.get(fake_ghe.url("/user"))

def test_all_fired(fake_ghe_server):
    fake_ghe_server.fail("GET", "/meta", 500, times=None)
    requests.get(fake_ghe_server.url("/meta"))

def test_tripwire_cleared(fake_ghe):
    fake_ghe.fail("DELETE", "*", times=None)
    fake_ghe.clear_faults()
"""


def test_unfired_faults_warn_naming_each_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UNFIRED)
    result = run(pytester, "-W", "always")
    result.assert_outcomes(passed=3, warnings=1)
    output = result.stdout.str()
    assert (
        "FakeGHEFaultWarning: test_unfired_faults_warn_naming_each_by_default.py::test_typo: "
        "3 faults armed on fake_ghe never fired, or not all their times" in output
    )
    assert "GET /users -> answer 503 (fired 0 of 1 time)" in output
    assert "GET /meta -> answer 502 (fired 1 of 2 times)" in output
    assert "GET /meta -> answer 500 (fired 0 of unlimited times)" in output
    assert "test_all_fired" not in output and "test_tripwire_cleared" not in output


def test_the_ini_option_makes_them_errors_and_ignore_silences_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(UNFIRED)
    pytester.makeini("[pytest]\nfake_ghe_unfired_faults = error\n")
    result = run(pytester)
    result.assert_outcomes(passed=3, errors=1)
    output = result.stdout.str()
    assert re.search(r"ERROR at teardown of test_typo", output)
    assert (
        "fake-ghe: test_the_ini_option_makes_them_errors_and_ignore_silences_them.py::test_typo: "
        "3 faults armed on fake_ghe never fired" in output
    )
    assert "GET /users -> answer 503 (fired 0 of 1 time)" in output
    # The error is a failed report: it carries the story, unfired faults included.
    text = section(output, "fake_ghe")
    assert "faults armed that never fired, or not all their times:" in text
    assert "  GET /users -> answer 503 (fired 0 of 1 time)" in text

    pytester.makeini("[pytest]\nfake_ghe_unfired_faults = ignore\n")
    quiet = run(pytester, "-W", "always")
    quiet.assert_outcomes(passed=3, warnings=0)


def test_the_marker_decides_for_its_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_ghe(unfired_faults="error")
        def test_strict(fake_ghe):
            fake_ghe.fail("GET", "/users")

        @pytest.mark.fake_ghe(unfired_faults="ignore")
        def test_lenient(fake_ghe):
            fake_ghe.fail("GET", "/users")

        @pytest.mark.fake_ghe(unfired_faults="loud")
        def test_wrong(fake_ghe):
            pass
        """
    )
    pytester.makeini("[pytest]\nfake_ghe_unfired_faults = warn\n")
    result = run(pytester, "-W", "always")
    result.assert_outcomes(passed=2, errors=2, warnings=0)
    output = result.stdout.str()
    assert "ERROR at teardown of test_strict" in output
    assert (
        "fake-ghe: @pytest.mark.fake_ghe(unfired_faults=...) must be one of warn, error, "
        "ignore, not 'loud'" in output
    )


def test_a_token_in_a_glob_is_masked_in_the_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_revoke(fake_ghe):
            fake_ghe.fail("DELETE", "/applications/*/tokens/{TOKEN}", 404)
        """
    )
    result = run(pytester, "-W", "always")
    result.assert_outcomes(passed=1, warnings=1)
    output = result.stdout.str()
    assert "DELETE /applications/*/tokens/***01234567 -> answer 404" in output
    assert TOKEN not in output
