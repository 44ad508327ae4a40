"""The one pipeline (fake_ghe.pipeline): GHE API requests are answered without Flask's request
context, pages and the admin API through Flask, and both take the same steps.

What a client or a test sees must not tell the two ways apart: the same error answers, the
same headers, one call journal entry and one ANSWERED signal per request, a bug kept for
``check()`` however it surfaced.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Response

from fake_ghe import FakeGHE, pipeline
from fake_ghe.exchange import ANSWERED, Exchange, current

ROOT = "https://ghe.example.com"


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    fake = FakeGHE(hostname="ghe.example.com", seed=3)
    fake.add_user("octocat", "pw")
    with fake.intercept():
        yield fake
    fake.close()


@pytest.fixture
def answered() -> Iterator[list[tuple[str, str, int, str | None]]]:
    seen: list[tuple[str, str, int, str | None]] = []

    def note(sender: Any, exchange: Exchange, response: Response, **_: Any) -> None:
        seen.append(
            (
                exchange.request.method,
                exchange.request.path,
                response.status_code,
                exchange.principal,
            )
        )

    ANSWERED.connect(note)
    yield seen
    ANSWERED.disconnect(note)


def test_every_way_in_sends_one_answered_signal_and_leaves_one_journal_entry(
    fake: FakeGHE, answered: list[tuple[str, str, int, str | None]]
) -> None:
    requests.get(f"{ROOT}/api/v3/authorizations", auth=("octocat", "pw"))  # the API
    requests.get(f"{ROOT}/api/v3/authorizations", auth=("octocat", "wrong"))  # a failed sign-in
    requests.get(f"{ROOT}/login/oauth/authorize?client_id=nope")  # a page, through Flask
    requests.get(f"{ROOT}/_fake_ghe/state")  # the admin API: signalled, never journaled

    assert answered == [
        ("GET", "/api/v3/authorizations", 200, "octocat"),
        ("GET", "/api/v3/authorizations", 401, "octocat (failed)"),
        ("GET", "/login/oauth/authorize", 404, None),
        ("GET", "/_fake_ghe/state", 200, None),
    ]
    assert [(call.path, call.status, call.principal) for call in fake.calls] == [
        ("/api/v3/authorizations", 200, "octocat"),
        ("/api/v3/authorizations", 401, "octocat (failed)"),
        ("/login/oauth/authorize?client_id=nope", 404, None),
    ]


def test_request_ids_count_every_request_whichever_way_it_went(fake: FakeGHE) -> None:
    ids = [
        requests.get(url, auth=("octocat", "pw")).headers["X-GitHub-Request-Id"]
        for url in (f"{ROOT}/api/v3/user", f"{ROOT}/login/oauth/authorize", f"{ROOT}/api/v3")
    ]
    assert [rid.split(":")[0] for rid in ids] == ["0001", "0002", "0003"]


def test_a_bug_in_a_view_is_a_500_kept_for_check(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_ghe.api import users

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("in the view")

    monkeypatch.setattr(users.serializers, "private_user", broken)
    answer = requests.get(f"{ROOT}/api/v3/user", auth=("octocat", "pw"))

    assert (answer.status_code, answer.json()) == (500, {"message": "Server Error"})
    assert answer.headers["X-GitHub-Enterprise-Version"] == "2.18.0"  # finished as any answer
    assert [type(error) for error in fake.errors] == [ZeroDivisionError]
    assert fake.calls[-1].status == 500
    fake.errors.clear()


def test_a_view_that_answers_no_response_is_a_bug(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = fake.flask_app.view_functions["users.meta"]
    # functools.wraps keeps the view's declaration: it is the same route, answering wrong.
    wrong = functools.wraps(view)(lambda: {"not": "a Response"})
    monkeypatch.setitem(fake.flask_app.view_functions, "users.meta", wrong)
    answer = requests.get(f"{ROOT}/api/v3/meta")

    assert answer.status_code == 500
    [error] = fake.errors
    assert isinstance(error, TypeError) and "users.meta" in str(error)
    fake.errors.clear()
    monkeypatch.setitem(fake.flask_app.view_functions, "users.meta", view)
    assert requests.get(f"{ROOT}/api/v3/meta").status_code == 200


@pytest.mark.parametrize(
    ("path", "principal"), [("/api/v3/user", "octocat"), ("/login/oauth/authorize", None)]
)
def test_a_bug_after_the_view_is_a_500_that_is_still_finished(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch, path: str, principal: str | None
) -> None:
    # The call journal's entry fails once (after the view ran): the answer is GHE's 500,
    # finished again (headers, journal), through Flask or not alike.
    real = pipeline.Pipeline._journal
    failures: list[str] = []

    def journal_once(self: pipeline.Pipeline, exchange: Exchange, response: Response) -> None:
        if not failures:
            failures.append(exchange.request.path)
            raise RuntimeError("journal failed")
        real(self, exchange, response)

    monkeypatch.setattr(pipeline.Pipeline, "_journal", journal_once)
    answer = requests.get(ROOT + path, auth=("octocat", "pw"))

    assert (answer.status_code, answer.json()) == (500, {"message": "Server Error"})
    assert answer.headers["X-GitHub-Request-Id"].startswith("0001:")
    assert failures == [path]
    assert [str(error) for error in fake.errors] == ["journal failed"]
    # Pages take no GHE credentials: nobody signed in there.
    assert [(call.status, call.principal) for call in fake.calls] == [(500, principal)]
    fake.errors.clear()


def test_outside_a_request_there_is_no_current_exchange() -> None:
    with pytest.raises(RuntimeError, match="no fake-ghe request is being answered"):
        current()


def test_the_api_never_pushes_flask_contexts(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Flask's per-request machinery is what the API no longer pays for (issue 12); pages
    # still get it.
    pushed: list[str] = []
    real = fake.flask_app.request_context

    def counting(environ: dict[str, Any]) -> Any:
        pushed.append(environ["PATH_INFO"])
        return real(environ)

    monkeypatch.setattr(fake.flask_app, "request_context", counting)
    assert requests.get(f"{ROOT}/api/v3/user", auth=("octocat", "pw")).status_code == 200
    assert requests.get(f"{ROOT}/login/oauth/authorize").status_code == 404
    assert pushed == ["/login/oauth/authorize"]
