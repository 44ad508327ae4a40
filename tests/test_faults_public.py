"""``fake.faults`` as a test uses it: a sized, iterable registry of read-only ``Fault`` handles
whose ``fired`` count keeps up with the requests they answered (issue 11, item 7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.errors import UsageError

TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE().intercept() as fake:
        fake.add_user("octocat", "pw")
        yield fake


def get_user(fake: FakeGHE) -> requests.Response:
    return requests.get(fake.url("/user"), auth=("octocat", "pw"), timeout=5)


def test_the_registry_is_sized_iterable_and_false_when_empty(fake: FakeGHE) -> None:
    assert len(fake.faults) == 0 and not fake.faults and list(fake.faults) == []
    first = fake.fail("GET", "/user", 502)
    second = fake.disconnect("DELETE", "/authorizations/*", times=2)
    assert len(fake.faults) == 2 and fake.faults
    assert list(fake.faults) == [first, second]  # first armed, first listed
    assert repr(fake.faults) == "<Faults: 2 armed>"
    fake.faults.clear()
    assert len(fake.faults) == 0 and not fake.faults


def test_a_handle_counts_fired_live_and_leaves_the_registry_when_spent(fake: FakeGHE) -> None:
    fault = fake.fail("GET", "/user", 503, times=2)
    assert (fault.fired, fault.spent) == (0, False)
    assert get_user(fake).status_code == 503
    assert (fault.fired, fault.spent, len(fake.faults)) == (1, False, 1)
    assert get_user(fake).status_code == 503
    assert (fault.fired, fault.spent, len(fake.faults)) == (2, True, 0)
    assert get_user(fake).status_code == 200
    assert fault.fired == 2  # no longer armed: the next request was not its


def test_an_unlimited_fault_keeps_counting_until_cleared(fake: FakeGHE) -> None:
    fault = fake.fail("*", "/user", 500, times=None)
    for _ in range(3):
        assert get_user(fake).status_code == 500
    assert (fault.fired, fault.spent, fake.faults.armed()) == (3, False, [fault])
    fake.clear_faults()
    assert get_user(fake).status_code == 200
    assert fault.fired == 3


def test_a_handle_cannot_change_what_the_fake_serves(fake: FakeGHE) -> None:
    fault = fake.fail("GET", "/user", 418, body={"message": "teapot"}, headers={"X-A": "1"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        fault.status = 200  # type: ignore[misc]
    with pytest.raises(AttributeError):
        fault.fired = 5  # type: ignore[misc]
    fault.body["message"] = "changed"
    fault.headers["X-A"] = "changed"
    answer = get_user(fake)
    assert (answer.status_code, answer.json()) == (418, {"message": "teapot"})
    assert answer.headers["X-A"] == "1"
    assert fault.body == {"message": "teapot"} and fault.headers == {"X-A": "1"}


def test_the_callers_body_and_headers_are_copied_when_armed(fake: FakeGHE) -> None:
    body = {"message": "down", "errors": []}
    headers = {"Retry-After": "9"}
    fake.fail("GET", "/user", 503, body=body, headers=headers)
    body["message"], headers["Retry-After"] = "changed", "0"
    answer = get_user(fake)
    assert answer.json() == {"message": "down", "errors": []}
    assert answer.headers["Retry-After"] == "9"


def test_a_body_that_is_not_json_is_refused_when_armed(fake: FakeGHE) -> None:
    with pytest.raises(UsageError, match="a fault's body must be JSON"):
        fake.fail("GET", "/user", 500, body={"when": object()})
    assert not fake.faults
    assert get_user(fake).status_code == 200  # nothing armed, nothing broken inside the fake
    fake.check()


def test_unfired_lists_what_a_test_most_likely_expected_to_fire(fake: FakeGHE) -> None:
    typo = fake.fail("GET", "/users", 500)  # the client calls /user
    partly = fake.fail("GET", "/user", 502, times=3)
    forever_fired = fake.fail("GET", "/user", 503, times=None)
    forever_idle = fake.slow("POST", "/authorizations", 2, times=None)
    assert get_user(fake).status_code == 502
    assert forever_fired.fired == 0  # partly matched first
    assert fake.faults.unfired() == [typo, partly, forever_fired, forever_idle]
    for _ in range(2):
        get_user(fake)
    assert get_user(fake).status_code == 503  # partly is spent: the unlimited one fires
    assert fake.faults.unfired() == [typo, forever_idle]


def test_each_fault_says_what_it_does_in_words(fake: FakeGHE) -> None:
    assert str(fake.fail("GET", "/user", 503)) == "GET /user -> answer 503 (fired 0 of 1 time)"
    assert (
        str(fake.slow("*", "/authorizations", 2.5, times=None))
        == "* /authorizations -> wait 2.5 s, then answer normally (fired 0 of unlimited times)"
    )
    assert (
        str(fake.disconnect("DELETE", "/authorizations/*", times=2))
        == "DELETE /authorizations/* -> drop the connection (fired 0 of 2 times)"
    )
    both = fake.faults.add("GET", "/meta", status=500, delay=0.5)
    assert both.effect == "wait 0.5 s, then answer 500"


def test_a_glob_naming_a_token_is_masked_in_words_but_still_matches(fake: FakeGHE) -> None:
    fault = fake.fail("GET", f"/applications/*/tokens/{TOKEN}", 404)
    assert TOKEN not in str(fault) and str(fault).startswith("GET /applications/*/tokens/***")
    assert fault.path.endswith(TOKEN)  # the handle itself is the test's own words
    answer = requests.get(fake.url(f"/applications/abc/tokens/{TOKEN}"), timeout=5)
    assert answer.status_code == 404 and fault.fired == 1


def test_describe_is_the_admin_apis_view_with_the_live_count(fake: FakeGHE) -> None:
    fault = fake.fail("GET", "/user", 500, message="boom", times=None)
    get_user(fake)
    assert fault.describe() == {
        "method": "GET",
        "path": "/user",
        "status": 500,
        "body": {
            "message": "boom",
            "documentation_url": "https://developer.github.com/enterprise/2.18/v3",
        },
        "headers": {},
        "delay": 0.0,
        "disconnect": False,
        "times": None,
        "fired": 1,
    }


def test_handles_are_equal_only_to_themselves(fake: FakeGHE) -> None:
    one, other = fake.fail("GET", "/user", 500), fake.fail("GET", "/user", 500)
    assert one != other and one == one
    assert fake.faults.armed() == [one, other]


def test_a_copy_made_with_replace_counts_for_itself(fake: FakeGHE) -> None:
    fault = fake.fail("GET", "/user", 500)
    get_user(fake)
    copy = dataclasses.replace(fault, status=502)
    assert (fault.fired, copy.fired, copy.status) == (1, 0, 502)


def test_repr_shows_the_live_count_and_masks_a_token(fake: FakeGHE) -> None:
    fault = fake.fail("GET", f"/x/{TOKEN}", 500)
    assert repr(fault) == (
        "Fault(method='GET', path='/x/***01234567', status=500, delay=0.0, disconnect=False, "
        "times=1, fired=0)"
    )
