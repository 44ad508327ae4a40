"""The live server keeps HTTP/1.1 connections alive, as GHE did, and closes them when it must:
a body it did not read, a dropped-connection fault, an idle timeout, a stop, a client that asks.

Behaviour only (what a client sees on its socket); speed is measured in benchmarks/bench_speed.py.
"""

from __future__ import annotations

import base64
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.server import LiveServer

AUTH = {"Authorization": "Basic " + base64.b64encode(b"octocat:pw").decode()}
API = "/api/v3"


@pytest.fixture
def served() -> Iterator[FakeGHE]:
    with FakeGHE().serve() as fake:
        fake.add_user("octocat", "pw")
        yield fake


def connect(fake: FakeGHE) -> http.client.HTTPConnection:
    assert fake.server is not None
    return http.client.HTTPConnection("127.0.0.1", fake.server.port, timeout=5)


def ask(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    conn.request(method, path, body=body, headers={**AUTH, **(headers or {})})
    answer = conn.getresponse()
    return answer, answer.read()


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed its end: a read sees EOF (or a reset), not a timeout."""
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def raw_exchange(fake: FakeGHE, data: bytes) -> tuple[bytes, bool]:
    """Send bytes as they are; everything the server answers, and whether it then closed."""
    assert fake.server is not None
    with socket.create_connection(("127.0.0.1", fake.server.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        sock.settimeout(0.5)
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            return b"".join(chunks), False  # still open: it waits for the next request
        return b"".join(chunks), True


# ------------------------------------------------------------------ kept alive


def test_two_requests_on_one_connection_are_both_answered(served):
    conn = connect(served)
    first, first_body = ask(conn, "GET", API + "/user")
    sock = conn.sock
    second, second_body = ask(conn, "GET", API + "/user")
    assert (first.status, second.status) == (200, 200)
    assert first.getheader("Connection") is None  # HTTP/1.1: open unless said otherwise
    assert first_body == second_body and b'"login":"octocat"' in first_body
    assert conn.sock is sock  # the same socket carried both
    conn.close()


def test_pipelined_requests_are_answered_in_order_on_one_socket(served):
    one = f"GET {API}/user HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH['Authorization']}\r\n\r\n"
    two = f"GET {API}/nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
    answer, closed = raw_exchange(served, (one + two).encode())
    assert not closed
    assert answer.count(b"HTTP/1.1 ") == 2
    assert answer.index(b"HTTP/1.1 200") < answer.index(b"HTTP/1.1 404")


def test_bodiless_answers_keep_the_next_request_framed(served):
    created = served.add_authorization("octocat", note="one")
    conn = connect(served)
    listed, _ = ask(conn, "GET", API + "/authorizations")
    etag = listed.getheader("ETag")
    assert etag
    head, head_body = ask(conn, "HEAD", API + "/authorizations")
    not_modified, cached_body = ask(
        conn, "GET", API + "/authorizations", headers={"If-None-Match": etag}
    )
    deleted, deleted_body = ask(conn, "DELETE", f"{API}/authorizations/{created.id}")
    after, after_body = ask(conn, "GET", API + "/authorizations")
    assert [head.status, not_modified.status, deleted.status, after.status] == [200, 304, 204, 200]
    assert head_body == cached_body == deleted_body == b""
    assert after_body == b"[]"
    conn.close()


def test_a_small_unread_body_is_skipped_before_the_next_request(served):
    # Refused before its JSON is read (no credentials): the body must not be taken for the
    # next request line.
    conn = connect(served)
    conn.request("POST", API + "/authorizations", body=b'{"scopes": ["repo"], "note": "x"}')
    refused = conn.getresponse()
    refused.read()
    assert refused.status == 401 and refused.getheader("Connection") is None
    answer, body = ask(conn, "GET", API + "/user")
    assert answer.status == 200 and b'"login":"octocat"' in body
    conn.close()


def test_an_answer_without_a_length_is_chunked_and_the_connection_stays():
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"streamed ", b"in parts"])

    with LiveServer(app) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        for _ in range(2):
            conn.request("GET", "/")
            answer = conn.getresponse()
            assert answer.getheader("Transfer-Encoding") == "chunked"
            assert answer.read() == b"streamed in parts"
        conn.close()


def test_a_client_expecting_100_continue_gets_one_then_the_answer(served):
    body = b'{"scopes": [], "note": "expected"}'
    assert served.server is not None
    with socket.create_connection(("127.0.0.1", served.server.port), timeout=5) as sock:
        sock.sendall(
            f"POST {API}/authorizations HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {AUTH['Authorization']}\r\nContent-Length: {len(body)}\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        assert sock.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"  # before the body is sent
        sock.sendall(body)
        answer = b""
        while b"}" not in answer:
            answer += sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201 Created\r\n")  # no second 100 Continue
    assert [a.note for a in served.authorizations()] == ["expected"]


# ------------------------------------------------------------------ closed when it must be


def test_a_413_closes_the_connection_without_reading_the_body(served):
    conn = connect(served)
    conn.putrequest("POST", API + "/authorizations")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 413
    assert answer.getheader("Connection") == "close"
    assert b"Request body too large" in answer.read()
    assert conn.sock is None or closed_by_server(conn.sock)


def test_a_dropped_connection_fault_really_closes_the_socket(served):
    conn = connect(served)
    assert ask(conn, "GET", API + "/user")[0].status == 200
    assert conn.sock is not None
    probe = conn.sock.dup()  # http.client closes its own socket on the failure
    served.disconnect("GET", "/user")
    with pytest.raises(http.client.RemoteDisconnected):
        ask(conn, "GET", API + "/user")
    assert closed_by_server(probe)
    probe.close()
    conn.close()
    conn = connect(served)
    assert ask(conn, "GET", API + "/user")[0].status == 200  # only that one request dropped
    conn.close()


def test_a_client_that_says_close_is_closed(served):
    answer, closed = raw_exchange(
        served, f"GET {API}/meta HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
    )
    assert answer.startswith(b"HTTP/1.1 200") and b"\r\nConnection: close\r\n" in answer
    assert closed


def test_an_http_1_0_client_is_closed(served):
    answer, closed = raw_exchange(
        served, f"GET {API}/meta HTTP/1.0\r\nHost: localhost\r\n\r\n".encode()
    )
    assert answer.startswith(b"HTTP/1.1 200") and closed


def test_a_malformed_request_is_answered_then_closed(served):
    answer, closed = raw_exchange(served, f"GET {API}/meta HTTP/1.1\r\nHost: a b\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 400") and b"Invalid Host header" in answer
    assert closed


def test_a_chunked_request_body_closes_after_the_answer(served):
    # Where such a body ends is not tracked: the next request could not be found safely.
    request = (
        f"GET {API}/user HTTP/1.1\r\nHost: localhost\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\nbody\r\n0\r\n\r\n"
    )
    answer, closed = raw_exchange(served, request.encode())
    assert answer.startswith(b"HTTP/1.1 200") and b"\r\nConnection: close\r\n" in answer
    assert closed


def test_a_failing_app_answers_500_and_closes():
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("a bug")

    with LiveServer(app) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "/")
        answer = conn.getresponse()
        assert answer.status == 500 and answer.getheader("Connection") == "close"
        answer.read()
        conn.close()
        # A client that sends its whole body before reading (requests does) still gets the
        # 500 for a body nobody read, not a connection reset.
        big = requests.post(f"http://127.0.0.1:{server.port}/", data=b"x" * (3 << 20), timeout=5)
        assert big.status_code == 500


def test_an_idle_keep_alive_connection_is_dropped_after_the_timeout(served):
    assert served.server is not None
    served.server.timeout = 0.3
    conn = connect(served)
    assert ask(conn, "GET", API + "/user")[0].status == 200
    assert conn.sock is not None
    assert closed_by_server(conn.sock)  # well before the client's own 5 s
    conn.close()


def test_stop_ends_an_idle_keep_alive_connection_and_its_thread():
    fake = FakeGHE().serve()
    fake.add_user("octocat", "pw")
    assert fake.server is not None
    conn = connect(fake)
    assert ask(conn, "GET", API + "/user")[0].status == 200
    mine = f"fake-ghe:{fake.server.port}"
    serving = [thread for thread in threading.enumerate() if thread.name.startswith(mine)]
    assert len(serving) == 2  # the accept loop and the connection's thread
    fake.close()
    assert not any(thread.is_alive() for thread in serving)
    assert conn.sock is not None and closed_by_server(conn.sock)
    conn.close()


def test_reset_cuts_a_slow_request_on_a_kept_connection(served):
    conn = connect(served)
    assert ask(conn, "GET", API + "/user")[0].status == 200
    fault = served.slow("GET", "/user", seconds=60)
    outcome: list[BaseException | int] = []

    def slow_request() -> None:
        try:
            outcome.append(ask(conn, "GET", API + "/user")[0].status)
        except (http.client.HTTPException, OSError) as error:
            outcome.append(error)

    waiter = threading.Thread(target=slow_request)
    waiter.start()
    deadline = time.monotonic() + 5
    while not fault.fired and time.monotonic() < deadline:  # it sleeps in the fault now
        time.sleep(0.01)
    served.reset()
    waiter.join(5)
    assert not waiter.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], (http.client.RemoteDisconnected, OSError))
    conn.close()
