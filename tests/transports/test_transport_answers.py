"""What the in-process requests adapter answers with: the app's own status line, every header,
status retries as urllib3 does them, requests' own machinery (cookies, redirects, streaming,
hooks), and nothing kept once the test lets go of a response."""

from __future__ import annotations

import gc
import gzip
import json
import weakref
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from fake_ghe import FakeGHE, transports
from fake_ghe.transports import ResponsesTransport

WSGI_ROOT = "http://wsgi.test:8080"
StartResponse = Callable[[str, list[tuple[str, str]]], object]


def retrying(**retry: Any) -> requests.Session:
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(**retry)))
    return session


# ------------------------------------------------------------------ memory


def test_nothing_keeps_the_answers_of_many_requests(fake: FakeGHE) -> None:
    patch = transports._PATCHES[-1]
    kept: list[weakref.ref[Any]] = []
    for _ in range(200):
        answer = requests.get(fake.url("/user"), auth=("octocat", "pw"))
        assert answer.status_code == 200
        kept.append(weakref.ref(answer))
        kept.append(weakref.ref(answer.raw))
    del answer
    gc.collect()
    assert [ref for ref in kept if ref() is not None] == []
    # responses would have kept each request and response in both lists.
    assert len(patch.mock.calls) == 0
    assert len(patch.route.calls) == 0
    assert len(fake.calls) == 200  # the fake's journal is the one record, and it is bounded


# ------------------------------------------------------------------ status line and headers


def test_the_reason_is_the_apps_as_over_a_socket(fake: FakeGHE) -> None:
    def reasons(root: str) -> list[str]:
        invalid = requests.post(
            root + "/api/v3/authorizations", auth=("octocat", "pw"), json={"scopes": ["bogus"]}
        )
        missing = requests.get(root + "/api/v3/nope", auth=("octocat", "pw"))
        assert (invalid.status_code, missing.status_code) == (422, 404)
        return [invalid.reason, missing.reason]

    # http.client renames 422 "Unprocessable Content" on Python 3.13; GHE and the app say:
    assert reasons(fake.root_url) == ["Unprocessable Entity", "Not Found"]
    with fake.serve() as served:
        assert reasons(served.root_url) == ["Unprocessable Entity", "Not Found"]


def test_an_unusual_reason_reaches_the_client_unchanged() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("404 No Such Token", [("Content-Type", "text/plain")])
        return [b"gone"]

    with ResponsesTransport(app, WSGI_ROOT):
        answer = requests.get(WSGI_ROOT + "/")
    assert (answer.status_code, answer.reason, answer.text) == (404, "No Such Token", "gone")


def cookie_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """Signs in at /login (two cookies, then a redirect), shows the cookies it got at /home."""
    if environ["PATH_INFO"] == "/login":
        start_response(
            "302 Found",
            [
                ("Location", WSGI_ROOT + "/home"),
                ("Set-Cookie", "session=s1; Path=/"),
                ("Set-Cookie", "csrf=c1; Path=/"),
            ],
        )
        return [b""]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ.get("HTTP_COOKIE", "").encode()]


def test_repeated_headers_stay_repeated_and_sessions_keep_cookies_across_redirects() -> None:
    with ResponsesTransport(cookie_app, WSGI_ROOT), requests.Session() as session:
        home = session.get(WSGI_ROOT + "/login")
    assert home.status_code == 200
    assert home.url == WSGI_ROOT + "/home"
    [login] = home.history
    assert login.status_code == 302
    assert login.raw.headers.getlist("Set-Cookie") == ["session=s1; Path=/", "csrf=c1; Path=/"]
    assert login.cookies.get_dict() == {"session": "s1", "csrf": "c1"}
    assert session.cookies.get_dict() == {"session": "s1", "csrf": "c1"}
    assert sorted(home.text.split("; ")) == ["csrf=c1", "session=s1"]


def test_gzip_bodies_are_decoded_and_streams_and_hooks_work() -> None:
    body = b'{"zipped": true}' * 100

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        packed = gzip.compress(body)
        start_response(
            "200 OK",
            [("Content-Encoding", "gzip"), ("Content-Length", str(len(packed)))],
        )
        return [packed]

    seen: list[int] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        seen.append(response.status_code)

    with ResponsesTransport(app, WSGI_ROOT):
        whole = requests.get(WSGI_ROOT + "/", hooks={"response": hook})
        streamed = requests.get(WSGI_ROOT + "/", stream=True)
        chunks = list(streamed.iter_content(chunk_size=64))
    assert whole.content == body
    assert isinstance(whole.elapsed, timedelta)
    assert seen == [200]
    assert b"".join(chunks) == body
    assert len(chunks) > 1


def test_head_answers_headers_without_a_body(fake: FakeGHE) -> None:
    got = requests.get(fake.url("/user"), auth=("octocat", "pw"))
    head = requests.head(fake.url("/user"), auth=("octocat", "pw"))
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == got.headers["Content-Length"] != "0"


# ------------------------------------------------------------------ status retries


def test_a_mounted_retry_retries_status_codes_and_the_journal_shows_every_try(
    fake: FakeGHE,
) -> None:
    fake.fail("GET", "/user", 503, times=2)
    with retrying(total=3, status_forcelist=[503], backoff_factor=0) as session:
        answer = session.get(fake.url("/user"), auth=("octocat", "pw"))
    assert answer.status_code == 200
    assert answer.json()["login"] == "octocat"
    assert [(call.path, call.status) for call in fake.calls] == [
        ("/api/v3/user", 503),
        ("/api/v3/user", 503),
        ("/api/v3/user", 200),
    ]
    # As urllib3 records them over a socket.
    assert answer.raw.retries is not None
    assert [entry.status for entry in answer.raw.retries.history] == [503, 503]


def test_retries_running_out_raise_retry_error_when_raise_on_status(fake: FakeGHE) -> None:
    fake.fail("GET", "/user", 503, times=None)
    session = retrying(total=3, status_forcelist=[503], backoff_factor=0)
    with session, pytest.raises(requests.exceptions.RetryError, match="too many 503 error"):
        session.get(fake.url("/user"), auth=("octocat", "pw"))
    assert [call.status for call in fake.calls] == [503] * 4  # the try and three retries


def test_retries_running_out_answer_the_last_status_unless_raise_on_status(
    fake: FakeGHE,
) -> None:
    fake.fail("GET", "/user", 503, times=None)
    with retrying(total=2, status_forcelist=[503], raise_on_status=False) as session:
        answer = session.get(fake.url("/user"), auth=("octocat", "pw"))
    assert answer.status_code == 503
    assert len(fake.calls) == 3


def test_methods_urllib3_will_not_retry_are_sent_once(fake: FakeGHE) -> None:
    fake.fail("POST", "/authorizations", 503)
    with retrying(total=3, status_forcelist=[503]) as session:
        answer = session.post(
            fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "once"}
        )
    assert answer.status_code == 503
    assert [call.status for call in fake.calls] == [503]


def test_a_file_body_is_sent_whole_on_every_retry(fake: FakeGHE, tmp_path: Any) -> None:
    app = fake.add_app("tool")
    sent = tmp_path / "body.json"
    sent.write_text(json.dumps({"client_secret": app.client_secret, "note": "from a file"}))
    fake.fail("PUT", "/authorizations/clients/*", 503)
    session = retrying(total=2, status_forcelist=[503], allowed_methods=["PUT"])
    with session, sent.open("rb") as body:
        answer = session.put(
            fake.url(f"/authorizations/clients/{app.client_id}"),
            auth=("octocat", "pw"),
            data=body,
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 201, answer.text
    assert answer.json()["note"] == "from a file"
    assert answer.request.body == sent.read_bytes()
    assert [call.status for call in fake.calls] == [503, 201]
