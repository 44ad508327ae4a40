"""httpx in-process, sync and async (issue 11): ``fake.httpx_transport()``,
``fake.async_httpx_transport()`` and ``fake.intercept(httpx=True)``; faults become httpx's own
exceptions, and a host no fake answers never reaches the network."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from requests.adapters import HTTPAdapter

import fake_ghe
from fake_ghe import FakeGHE
from fake_ghe.httpx_transport import DISCONNECTED

REAL_SYNC = httpx.HTTPTransport.handle_request
REAL_ASYNC = httpx.AsyncHTTPTransport.handle_async_request
REAL_SEND = HTTPAdapter.send

Send = Callable[..., httpx.Response]


@pytest.fixture(autouse=True)
def nothing_left_patched() -> Iterator[None]:
    yield
    assert httpx.HTTPTransport.handle_request is REAL_SYNC
    assert httpx.AsyncHTTPTransport.handle_async_request is REAL_ASYNC
    assert HTTPAdapter.send is REAL_SEND


@pytest.fixture
def fake() -> FakeGHE:
    fake = FakeGHE()
    fake.add_user("octocat", "pw")
    return fake


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest, fake: FakeGHE) -> Send:
    """One request through a client on the fake's transport, sync or async."""
    if request.param == "sync":

        def sync(method: str, url: str, **kwargs: Any) -> httpx.Response:
            with httpx.Client(transport=fake.httpx_transport()) as client:
                return client.request(method, url, **kwargs)

        return sync

    def in_a_loop(method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def main() -> httpx.Response:
            async with httpx.AsyncClient(transport=fake.async_httpx_transport()) as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(main())

    return in_a_loop


# ------------------------------------------------------------------ answers


def test_status_headers_and_body_come_from_the_app(fake: FakeGHE, send: Send) -> None:
    created = send("POST", fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "n"})
    assert created.status_code == 201 and created.reason_phrase == "Created"
    assert created.json()["url"] == fake.url("/authorizations/1")
    assert created.headers["Content-Type"] == "application/json; charset=utf-8"
    assert created.headers["ETag"]
    listed = send("GET", fake.url("/authorizations?per_page=1"), auth=("octocat", "pw"))
    assert [a["note"] for a in listed.json()] == ["n"]
    again = send(
        "GET",
        fake.url("/authorizations?per_page=1"),
        auth=("octocat", "pw"),
        headers={"If-None-Match": listed.headers["ETag"]},
    )
    assert (again.status_code, again.content) == (304, b"")
    assert [call.principal for call in fake.calls] == ["octocat"] * 3


def test_a_fail_fault_is_an_answer(fake: FakeGHE, send: Send) -> None:
    fake.fail("GET", "/meta", 502, message="Bad gateway today")
    answer = send("GET", fake.url("/meta"))
    assert answer.status_code == 502
    assert answer.json()["message"] == "Bad gateway today"
    assert send("GET", fake.url("/meta")).status_code == 200


def test_a_slow_fault_shorter_than_the_timeout_is_answered_late(fake: FakeGHE, send: Send) -> None:
    fake.slow("GET", "/meta", 0.2)
    started = time.monotonic()
    answer = send("GET", fake.url("/meta"), timeout=5)
    assert answer.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_a_slow_fault_longer_than_the_timeout_is_a_read_timeout_after_it(
    fake: FakeGHE, send: Send
) -> None:
    app = fake.add_app("ci")
    token = fake.add_authorization("octocat", app).token
    fake.slow("GET", "/applications/*", 30)
    url = fake.url(f"/applications/{app.client_id}/tokens/{token}")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout) as timed_out:
        send(
            "GET", url, auth=(app.client_id, app.client_secret), timeout=httpx.Timeout(5, read=0.1)
        )
    # After the client's read timeout, not the fault's 30 s.
    assert 0.1 <= time.monotonic() - started < 20
    assert str(timed_out.value) == (
        "fake-ghe: read timed out (read timeout=0.1) on GET https://ghe.example.com/api/v3/"
        f"applications/{app.client_id}/tokens/***{token[-8:]}"
    )
    assert [call.status for call in fake.calls] == [0]


def test_a_disconnect_is_httpcores_remote_protocol_error(fake: FakeGHE, send: Send) -> None:
    fake.disconnect("POST", "/authorizations")
    with pytest.raises(httpx.RemoteProtocolError) as dropped:
        send("POST", fake.url("/authorizations"), auth=("octocat", "pw"), json={})
    assert str(dropped.value) == DISCONNECTED == "Server disconnected without sending a response."
    assert [call.status for call in fake.calls] == [0]


def test_a_transport_answers_only_its_fakes_hosts(fake: FakeGHE, send: Send) -> None:
    with pytest.raises(httpx.ConnectError) as refused:
        send("GET", "https://octocat:hunter2@api.github.com/user?access_token=abc")
    assert str(refused.value) == (
        "fake-ghe: no fake answers https://octocat:***@api.github.com/user?access_token=***: "
        "this transport answers only https://ghe.example.com; nothing was sent"
    )
    with fake.serve():  # while served, the socket's URL is the fake's too
        assert send("GET", f"{fake.served_url}/api/v3/meta").status_code == 200


def test_the_async_transport_never_blocks_the_event_loop(fake: FakeGHE) -> None:
    fake.slow("GET", "/meta", 0.5)
    seen: list[str] = []

    async def request(client: httpx.AsyncClient) -> None:
        await client.get(fake.url("/meta"))
        seen.append("answered")

    async def meanwhile() -> None:
        await asyncio.sleep(0.05)
        seen.append("another task ran")

    async def main() -> None:
        async with httpx.AsyncClient(transport=fake.async_httpx_transport()) as client:
            await asyncio.gather(request(client), meanwhile())

    asyncio.run(main())
    assert seen == ["another task ran", "answered"]


# ------------------------------------------------------------------ process-wide


def test_intercepting_httpx_reaches_clients_the_code_builds_itself(fake: FakeGHE) -> None:
    def code_under_test(base_url: str) -> str:
        with httpx.Client(base_url=base_url, auth=("octocat", "pw")) as client:
            login: str = client.get("/user").json()["login"]
            return login

    async def async_code_under_test(base_url: str) -> int:
        async with httpx.AsyncClient(base_url=base_url, auth=("octocat", "pw")) as client:
            answer = await client.post("/authorizations", json={"note": "async"})
            return answer.status_code

    with fake.intercept(httpx=True):
        assert code_under_test(fake.base_url) == "octocat"
        assert asyncio.run(async_code_under_test(fake.base_url)) == 201
        assert httpx.get(fake.url("/meta")).status_code == 200
        fake.disconnect("GET", "/meta")
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(fake.url("/meta"))
    assert [a.note for a in fake.authorizations()] == ["async"]


def test_an_unanswered_host_is_refused_naming_the_fakes_hosts(fake: FakeGHE) -> None:
    with fake.intercept(httpx=True), FakeGHE("ghe.corp.example").intercept(httpx=True):
        with pytest.raises(httpx.ConnectError) as refused:
            httpx.get("https://ghe.example.org/api/v3/user?access_token=" + "a" * 40)
        with pytest.raises(httpx.ConnectError):
            asyncio.run(httpx.AsyncClient().get("https://ghe.example.org/"))
    assert str(refused.value) == (
        "fake-ghe: no fake answers https://ghe.example.org/api/v3/user?access_token=***: "
        "fake-ghe answers only https://ghe.corp.example, https://ghe.example.com; nothing was "
        "sent. To let a URL reach the network, give its prefix as passthrough: "
        "intercept(passthrough=[...]), fake.passthrough(...), or the fake_ghe_passthrough ini "
        "option"
    )


def test_several_fakes_each_answer_their_host() -> None:
    a, b = FakeGHE("ghe-a.example.com"), FakeGHE("ghe-b.example.com")
    a.add_user("alice", "pw")
    b.add_user("bob", "pw")
    with a.intercept(httpx=True), b.intercept(httpx=True):
        assert httpx.get(a.url("/user"), auth=("alice", "pw")).json()["login"] == "alice"
        assert httpx.get(b.url("/user"), auth=("bob", "pw")).json()["login"] == "bob"
        with a.intercept(httpx=True):
            pass
        # a's inner start ended, its outer one still answers; b (started later) too.
        assert httpx.get(a.url("/user"), auth=("alice", "pw")).status_code == 200
    assert [call.principal for call in a.calls] == ["alice", "alice"]
    assert [call.principal for call in b.calls] == ["bob"]


def test_passthrough_reaches_the_network(fake: FakeGHE) -> None:
    with FakeGHE().serve() as elsewhere:
        assert elsewhere.served_url is not None
        with fake.intercept(httpx=True, passthrough=[elsewhere.served_url]):
            assert httpx.get(elsewhere.url("/meta")).status_code == 200
        with fake.intercept(httpx=True):
            with pytest.raises(httpx.ConnectError, match="no fake answers"):
                httpx.get(elsewhere.url("/meta"))
            fake.passthrough(elsewhere.served_url)  # added while intercepting
            assert asyncio.run(httpx.AsyncClient().get(elsewhere.url("/meta"))).status_code == 200
    assert len(elsewhere.calls) == 2 and fake.calls == []


def test_a_served_fake_intercepting_httpx_answers_its_socket_url_in_process(
    fake: FakeGHE,
) -> None:
    with fake.intercept(httpx=True), fake.serve():
        fake.slow("GET", "/meta", 5)
        with pytest.raises(httpx.ReadTimeout, match=r"^fake-ghe: read timed out"):
            httpx.get(fake.url("/meta"), timeout=0.05)  # the in-process message


def test_undo_follows_the_nesting() -> None:
    fake = FakeGHE()
    with fake.intercept():
        with fake.intercept(httpx=True):
            assert httpx.get(fake.url("/meta")).status_code == 200
        assert httpx.HTTPTransport.handle_request is REAL_SYNC  # only the inner start's patch
        assert HTTPAdapter.send is not REAL_SEND
    with fake.intercept(httpx=True):
        with fake.intercept():
            pass
        assert httpx.get(fake.url("/meta")).status_code == 200
    with fake.intercept(httpx=True):
        fake.close()
        assert httpx.HTTPTransport.handle_request is REAL_SYNC


def test_plain_intercept_leaves_httpx_alone(fake: FakeGHE) -> None:
    with fake.intercept():
        assert httpx.HTTPTransport.handle_request is REAL_SYNC
        with pytest.raises(httpx.ConnectError):  # ghe.example.com resolves nowhere
            httpx.get(fake.url("/meta"), timeout=2)


def test_threads_starting_and_stopping_interceptions_at_once_leave_httpx_as_it_was() -> None:
    shared = FakeGHE("ghe-shared.example.com")
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        own = FakeGHE(f"ghe-{n}.example.com")
        try:
            with httpx.Client() as client:  # one client: building one costs an SSL context
                for _ in range(15):
                    with own.intercept(httpx=True), shared.intercept(httpx=True):
                        assert client.get(own.url("/meta")).status_code == 200
                        assert client.get(shared.url("/meta")).status_code == 200
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(shared.calls) == 6 * 15


def test_without_httpx_intercepting_it_fails_and_leaves_nothing_started(
    fake: FakeGHE, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes the import fail, as on an install without httpx.
    for module in ("httpx_patch", "httpx_transport"):
        monkeypatch.setitem(sys.modules, f"fake_ghe.{module}", None)
        monkeypatch.delattr(fake_ghe, module, raising=False)
    with pytest.raises(ImportError, match=r"^intercept\(httpx=True\) needs httpx"):
        fake.intercept(httpx=True)
    assert HTTPAdapter.send is REAL_SEND  # the requests half was undone too


def test_a_cancelled_async_request_lets_go_at_once(fake: FakeGHE) -> None:
    fake.slow("GET", "/meta", 10)

    async def main() -> None:
        transport = fake.async_httpx_transport()
        async with httpx.AsyncClient(transport=transport, timeout=None) as client:
            await asyncio.wait_for(client.get(fake.url("/meta")), 0.1)

    started = time.monotonic()
    # asyncio.TimeoutError: the builtin TimeoutError only from Python 3.11 on.
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(main())
    # Not the fault's 10 s: the request's thread is left to finish on its own.
    assert time.monotonic() - started < 5
    fake.reset()  # wakes that thread, as every test's reset does
