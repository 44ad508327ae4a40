"""One exception hierarchy: whatever fake-ghe raises at its users is a FakeGHEError (and still
the built-in kind callers expect), and every domain error has exactly one HTTP answer."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from fake_ghe import FakeGHE, FakeGHEError, Store, errors, http_errors
from fake_ghe.scenario import ScenarioError, load_scenario
from fake_ghe.store import RateLimit


def _intercepting_then_configure() -> None:
    fake = FakeGHE().intercept()
    try:
        fake.configure("other.example.com")
    finally:
        fake.close()


CASES: dict[str, tuple[Callable[[], Any], type[BaseException]]] = {
    "bad hostname": (lambda: FakeGHE("not a host!"), ValueError),
    "bad lockout": (lambda: FakeGHE(lockout_threshold=0), ValueError),
    "bad fault": (lambda: FakeGHE().fail(status=99), ValueError),
    "bad seed": (lambda: FakeGHE().add_user("a:b", "pw"), ValueError),
    "missing user": (lambda: FakeGHE().add_authorization("nobody"), ValueError),
    "bad scenario": (lambda: load_scenario(Store(), {"users": [{"login": 1}]}), ValueError),
    "scenario of a wrong type": (lambda: load_scenario(Store(), 42), TypeError),  # type: ignore[arg-type]
    "no texted code": (lambda: FakeGHE().last_sms_code("nobody"), LookupError),
    "unknown cause": (lambda: FakeGHE().assert_revoked(1, cause="gone"), ValueError),
    "hostname while intercepting": (_intercepting_then_configure, RuntimeError),
}


@pytest.mark.parametrize(("call", "builtin"), list(CASES.values()), ids=list(CASES))
def test_what_the_package_raises_is_a_fake_ghe_error_and_the_builtin_kind(
    call: Callable[[], Any], builtin: type[BaseException]
) -> None:
    with pytest.raises(FakeGHEError) as raised:
        call()
    assert isinstance(raised.value, builtin)


def test_scenario_errors_are_fake_ghe_errors() -> None:
    assert issubclass(ScenarioError, FakeGHEError)


def test_every_error_class_derives_from_fake_ghe_error() -> None:
    for module in (errors, http_errors):
        for _, kind in inspect.getmembers(module, inspect.isclass):
            if issubclass(kind, BaseException) and kind.__module__ == module.__name__:
                assert issubclass(kind, FakeGHEError), kind


def test_every_domain_error_has_an_http_answer_without_http_in_the_domain() -> None:
    samples = [
        errors.InvalidInput(errors.FieldProblem("scopes", "custom", "scopes are invalid: x")),
        errors.NotFound(),
        errors.InvalidClient(),
        errors.AuthenticationRequired(),
        errors.BadCredentials(),
        errors.PasswordRequired(),
        errors.TwoFactorRequired("sms"),
        errors.LoginLocked(),
        errors.RateLimited(1, RateLimit(60, 0, datetime(2019, 9, 1, tzinfo=timezone.utc))),
    ]
    concrete = {
        kind
        for _, kind in inspect.getmembers(errors, inspect.isclass)
        if issubclass(kind, errors.DomainError) and kind is not errors.DomainError
    }
    assert {type(sample) for sample in samples} == concrete
    for sample in samples:
        assert not hasattr(sample, "status") and not hasattr(sample, "documentation_url")
        answer = http_errors.for_domain_error(sample, http_errors.UPDATE_DOCS)
        assert 400 <= answer.status < 500
        assert answer.body()["message"]


def test_a_422_lists_the_problem_in_ghe_key_order_with_the_endpoint_docs() -> None:
    problem = errors.FieldProblem("description", "already_exists", "taken", ("note",))
    answer = http_errors.for_domain_error(errors.InvalidInput(problem), http_errors.UPDATE_DOCS)
    assert (answer.status, answer.body()) == (
        422,
        {
            "message": "Validation Failed",
            "errors": [
                {"resource": "OauthAccess", "code": "already_exists", "field": "description"}
            ],
            "documentation_url": http_errors.UPDATE_DOCS,
        },
    )


UNKNOWN_NAMES: dict[str, Callable[[FakeGHE], Any]] = {
    "otp": lambda fake: fake.otp("nobody"),
    "sms_codes": lambda fake: fake.sms_codes("nobody"),
    "last_sms_code": lambda fake: fake.last_sms_code("nobody"),
    "exhaust_rate_limit": lambda fake: fake.exhaust_rate_limit("nobody"),
}


@pytest.mark.parametrize("lookup", list(UNKNOWN_NAMES.values()), ids=list(UNKNOWN_NAMES))
def test_lookups_of_unknown_names_are_not_found_naming_the_name(
    lookup: Callable[[FakeGHE], Any],
) -> None:
    # Issue 11: these raised SeedError (a ValueError), as if seeding had gone wrong.
    fake = FakeGHE()
    fake.add_user("octocat", "pw", two_factor="sms")
    with pytest.raises(errors.NotFound, match="no user 'nobody'") as raised:
        lookup(fake)
    assert isinstance(raised.value, LookupError)
    assert not isinstance(raised.value, (errors.SeedError, ValueError))


def test_sms_lookups_of_a_known_user_ignore_case() -> None:
    fake = FakeGHE()
    fake.add_user("octocat", "pw", two_factor="sms")
    fake.store.send_sms_code(fake.user("octocat"))  # type: ignore[arg-type]
    assert fake.sms_codes("OctoCat") == fake.sms_codes("octocat") != []
    assert fake.last_sms_code("OCTOCAT") == fake.sms_codes("octocat")[-1]
    assert fake.otp("OctoCat") == fake.otp("octocat")
    fake.add_user("hubot", "pw")
    with pytest.raises(errors.NotFound, match="no code was texted to 'hubot'"):
        fake.last_sms_code("hubot")
