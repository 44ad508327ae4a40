"""``fake_ghe`` in tests that use ``responses`` themselves, the ways users write them."""

from __future__ import annotations

import pytest

from .plugin_support import run

HEADER = """
import pytest
import requests
import responses

SLACK = "https://slack.example.com/api/chat.postMessage"


def offboard(base_url, login, password):
    # Code under test: revoke every token of the user, then tell Slack.
    auth = (login, password)
    for item in requests.get(f"{base_url}/authorizations", auth=auth).json():
        requests.delete(item["url"], auth=auth).raise_for_status()
    requests.post(SLACK, json={"text": f"{login} offboarded"}).raise_for_status()
"""


def test_every_way_of_using_responses_alongside_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """

@pytest.fixture
def seeded(fake_ghe):
    fake_ghe.add_user("octocat", "pw")
    return [fake_ghe.add_authorization("octocat", note=f"t{n}") for n in range(2)]


@responses.activate
def test_decorator(fake_ghe, seeded):
    responses.add(responses.POST, SLACK, json={"ok": True})
    offboard(fake_ghe.base_url, "octocat", "pw")
    fake_ghe.assert_all_revoked(user="octocat")
    # responses.calls holds the test's stubs only, not the fake's traffic.
    assert [call.request.url for call in responses.calls] == [SLACK]


@responses.activate(assert_all_requests_are_fired=True)
def test_decorator_asserting_all_fired(fake_ghe, seeded):
    responses.add(responses.POST, SLACK, json={"ok": True})
    offboard(fake_ghe.base_url, "octocat", "pw")
    fake_ghe.assert_all_revoked(user="octocat")


def test_own_mock_in_the_test(fake_ghe, seeded):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, SLACK, json={"ok": True})
        offboard(fake_ghe.base_url, "octocat", "pw")
    fake_ghe.assert_all_revoked(user="octocat")
    # After the test's mock is gone, the fake still answers.
    assert requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw")).json() == []


@pytest.fixture
def mocked_responses():
    # The fixture from responses' own documentation, set up before fake_ghe.
    with responses.RequestsMock() as mock:
        yield mock


def test_mock_fixture_set_up_first(mocked_responses, fake_ghe, seeded):
    mocked_responses.add(responses.POST, SLACK, json={"ok": True})
    offboard(fake_ghe.base_url, "octocat", "pw")
    fake_ghe.assert_all_revoked(user="octocat")
    assert len(mocked_responses.calls) == 1


def test_mock_fixture_set_up_last(fake_ghe, seeded, mocked_responses):
    mocked_responses.add(responses.POST, SLACK, json={"ok": True})
    offboard(fake_ghe.base_url, "octocat", "pw")
    fake_ghe.assert_all_revoked(user="octocat")


def test_an_unstubbed_host_is_refused_as_responses_does(fake_ghe, seeded):
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        offboard(fake_ghe.base_url, "octocat", "pw")
    # The revocations before the failure happened.
    fake_ghe.assert_all_revoked(user="octocat")


@responses.activate
def test_the_tests_mistakes_still_fail_loudly(fake_ghe, seeded):
    responses.add(responses.POST, "https://slack.example.com/other", json={"ok": True})
    with pytest.raises(requests.ConnectionError) as refused:
        offboard(fake_ghe.base_url, "octocat", "pw")
    assert "https://slack.example.com/other" in str(refused.value)
"""
    )
    run(pytester).assert_outcomes(passed=7)


def test_unfired_stubs_still_fail_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """

@responses.activate(assert_all_requests_are_fired=True)
def test_forgot_to_notify(fake_ghe):
    responses.add(responses.POST, SLACK, json={"ok": True})
    fake_ghe.add_user("octocat", "pw")
    requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw"))
"""
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Not all requests have been executed*slack.example.com*"])
