"""``@pytest.mark.fake_ghe(httpx=True)`` and ``fake_ghe_httpx = true``: the ``fake_ghe`` fixture
intercepts every httpx client of the process too (issue 11, "httpx in-process")."""

from __future__ import annotations

import pytest

from .plugin_support import run

# Code under test that builds its own clients, sync and async, as a library would.
CLIENT_CODE = """
import anyio
import httpx
import pytest

def whoami(base_url):
    with httpx.Client(base_url=base_url, auth=("octocat", "pw"), timeout=5) as client:
        return client.get("/user").json()["login"]

async def whoami_async(base_url):
    async with httpx.AsyncClient(base_url=base_url, auth=("octocat", "pw"), timeout=5) as client:
        return (await client.get("/user")).json()["login"]

def check(fake_ghe):
    fake_ghe.add_user("octocat", "pw")
    assert whoami(fake_ghe.base_url) == "octocat"
    assert anyio.run(whoami_async, fake_ghe.base_url) == "octocat"
    assert [call.principal for call in fake_ghe.calls] == ["octocat", "octocat"]
"""


def test_the_marker_intercepts_httpx_sync_and_async(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CLIENT_CODE
        + """
@pytest.mark.fake_ghe(httpx=True)
def test_marked(fake_ghe):
    check(fake_ghe)

def test_unmarked_is_requests_only(fake_ghe):
    with pytest.raises(httpx.ConnectError):
        httpx.get(fake_ghe.url("/meta"), timeout=2)
"""
    )
    run(pytester).assert_outcomes(passed=2)


def test_the_ini_option_turns_it_on_and_a_marker_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_ghe_httpx = true\n")
    pytester.makepyfile(
        CLIENT_CODE
        + """
def test_by_the_ini(fake_ghe):
    check(fake_ghe)

@pytest.mark.fake_ghe(httpx=False)
def test_marked_off(fake_ghe):
    with pytest.raises(httpx.ConnectError):
        httpx.get(fake_ghe.url("/meta"), timeout=2)

def test_after_the_fixture_httpx_is_itself_again():
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://ghe.example.com/api/v3/meta", timeout=2)
"""
    )
    run(pytester).assert_outcomes(passed=3)


def test_faults_reach_httpx_and_the_story_shows_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.fake_ghe(httpx=True)
        def test_dropped(fake_ghe):
            fault = fake_ghe.disconnect("GET", "/meta")
            with pytest.raises(httpx.RemoteProtocolError):
                httpx.get(fake_ghe.url("/meta"), timeout=5)
            assert fault.fired == 1
            assert False, "explain"
        """
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  #* GET /api/v3/meta -> dropped  (no credentials)"])


def test_a_marker_value_that_is_not_a_bool_fails_setup(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_ghe(httpx="yes")
        def test_it(fake_ghe):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*fake-ghe: @pytest.mark.fake_ghe(httpx=...) must be True or False, not 'yes'"]
    )
