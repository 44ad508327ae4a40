"""The call journal says who tried: a failed sign-in names the attempted login, never a secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from fake_ghe import FakeGHE


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE(lockout_threshold=2).intercept() as fake:
        fake.add_user("octocat", "s3cret")
        fake.add_user("hubot", "hubot-pass", two_factor="app")
        yield fake


def last_call(fake: FakeGHE, auth: object = None, **headers: str) -> tuple[int, str | None]:
    requests.get(fake.url("/authorizations"), auth=auth, headers=headers)  # type: ignore[arg-type]
    call = fake.calls[-1]
    return call.status, call.principal


def test_failed_sign_ins_name_the_login_they_tried(fake: FakeGHE) -> None:
    assert last_call(fake, ("octocat", "s3cret")) == (200, "octocat")
    assert last_call(fake, ("octocat", "wrong")) == (401, "octocat (failed)")
    assert last_call(fake, ("nobody", "pw")) == (401, "nobody (failed)")
    # A two-factor user whose password was right but whose code is missing or wrong.
    assert last_call(fake, ("hubot", "hubot-pass")) == (401, "hubot (failed)")
    assert last_call(fake, ("hubot", "hubot-pass"), **{"X-GitHub-OTP": "000000"}) == (
        401,
        "hubot (failed)",
    )
    code = fake.otp("hubot")
    assert last_call(fake, ("hubot", "hubot-pass"), **{"X-GitHub-OTP": code}) == (200, "hubot")
    # Locked out after two wrong passwords: 403, still naming who tried.
    assert last_call(fake, ("octocat", "wrong")) == (401, "octocat (failed)")
    assert last_call(fake, ("octocat", "s3cret")) == (403, "octocat (failed)")


def test_a_failed_token_shows_at_most_its_last_eight(fake: FakeGHE) -> None:
    token = fake.add_authorization("octocat", note="laptop").token
    # A token where only a password is taken: its owner is known, its value is not shown.
    status, principal = last_call(fake, Authorization=f"token {token}")
    assert (status, principal) == (403, f"octocat (token ...{token[-8:]}, failed)")
    # An unknown "token" may be a mistyped password: none of it is shown.
    assert last_call(fake, Authorization="token hunter2-typo") == (401, "token (failed)")
    # A token-shaped login is masked as everywhere in the journal.
    status, principal = last_call(fake, (token, "x-oauth-basic"))
    assert (status, principal) == (401, f"***{token[-8:]} (failed)")
    # Nothing readable to name: no principal, as for a request without credentials.
    assert last_call(fake, Authorization="Basic !!!") == (401, None)
    assert last_call(fake) == (401, None)
    recorded = repr(fake.calls)
    for secret in (token, "hunter2-typo", "s3cret"):
        assert secret not in recorded


def test_a_rate_limited_user_did_sign_in(fake: FakeGHE) -> None:
    fake.exhaust_rate_limit("octocat")
    assert last_call(fake, ("octocat", "s3cret")) == (403, "octocat")
