"""Issue 10, through the real server: who may reach the admin API, what the pages allow, body
limits, Host checks, tokens masked at every path shape, stalled connections dropped."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.scenario import parse_scenario_text

from .test_cli import Served

OCTOCAT = ("octocat", "s3cret-Passw0rd")
CLIENT_ID = "abcde12345fghij67890"
SECRET = "0123456789abcdef0123456789abcdef01234567"
SCENARIO = f"""\
users:
  - {{login: octocat, password: s3cret-Passw0rd}}
  - {{login: hubot, password: hubot-pass, two_factor: app}}
oauth_apps:
  - {{name: evil, url: "https://evil.example/", client_id: {CLIENT_ID}, client_secret: {SECRET}}}
  - {{name: data, url: "https://data.example/"}}
  - {{name: fine, url: "https://ci.example.com/"}}
authorizations:
  - {{user: octocat, app: evil, scopes: [repo]}}
  - {{user: octocat, note: laptop}}
"""


JAVASCRIPT = "javascript:fetch('/_fake_ghe/faults',{method:'POST',body:'{}'})"
DATA = "data:text/html,<script>alert(1)</script>"


@pytest.fixture
def served() -> Iterator[FakeGHE]:
    with FakeGHE(scenario=parse_scenario_text(SCENARIO, "s.yaml"), seed=3).serve() as fake:
        # Seeding refuses such urls; an app from before that rule (or a store changed by hand)
        # may still hold one, and the pages must not make it a link.
        for app in fake.oauth_apps():
            # Records are frozen: the store's own unvalidated primitive puts the url there.
            if app.name == "evil":
                fake.store._replace_app(app, url=JAVASCRIPT)
            elif app.name == "data":
                fake.store._replace_app(app, url=DATA)
        yield fake


def raw(fake: FakeGHE, request: bytes, timeout: float = 5) -> bytes:
    """Send bytes as they are (no client fixes up Host for us); the whole answer."""
    assert fake.server is not None
    with socket.create_connection(("127.0.0.1", fake.server.port), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


# ------------------------------------------------------------------ item 1: DNS rebinding


@pytest.mark.parametrize(
    "path", ["/_fake_ghe/state", "/_fake_ghe/otp/hubot", "/_fake_ghe/", "/_fake_ghe/users/octocat"]
)
def test_admin_refuses_a_host_that_is_not_this_machine(served, path):
    rebinding = {"Host": f"attacker.example:{served.server.port}"}
    answer = requests.get(served.root_url + path, headers=rebinding, timeout=5)
    assert answer.status_code == 403
    assert "Host 'attacker.example' is not loopback" in answer.json()["message"]
    assert SECRET not in answer.text
    armed = requests.post(
        served.root_url + "/_fake_ghe/faults",
        json={"status": 503, "times": None},
        headers={**rebinding, "Origin": f"http://attacker.example:{served.server.port}"},
        timeout=5,
    )
    assert armed.status_code == 403 and served.faults.armed() == []
    # The GHE API itself answers any valid Host, as GHE behind a proxy did.
    meta = requests.get(served.base_url + "/meta", headers=rebinding, timeout=5)
    assert meta.status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.2", "LOCALHOST"])
def test_admin_answers_loopback_and_localhost(served, host):
    answer = requests.get(
        served.root_url + "/_fake_ghe/state",
        headers={"Host": f"{host}:{served.server.port}"},
        timeout=5,
    )
    assert answer.status_code == 200


def test_configured_hostname_and_allow_list_are_admitted():
    with FakeGHE("ghe.corp.test") as fake:
        fake.serve(keep_hostname=True)
        url = fake.root_url + "/_fake_ghe/state"
        assert requests.get(url, headers={"Host": "ghe.corp.test"}, timeout=5).status_code == 200
        assert requests.get(url, headers={"Host": "other.test"}, timeout=5).status_code == 403
        from dataclasses import replace

        fake.runtime.config = replace(fake.config, admin_hosts=("other.test",))
        assert requests.get(url, headers={"Host": "other.test"}, timeout=5).status_code == 200


# ------------------------------------------------------------------ item 2: framing, links


@pytest.mark.parametrize("path", ["/_fake_ghe/", "/_fake_ghe/users/octocat"])
def test_pages_refuse_framing_and_script(served, path):
    page = requests.get(served.root_url + path, timeout=5)
    assert page.status_code == 200
    assert page.headers["X-Frame-Options"] == "DENY"
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp  # default-src 'none': no script at all
    assert '<a href="javascript:' not in page.text and '<a href="data:' not in page.text
    if path == "/_fake_ghe/":
        assert "javascript:fetch" in page.text  # shown, as text
        assert "data:text/html,&lt;script&gt;" in page.text
    if path == "/_fake_ghe/":
        assert '<a href="https://ci.example.com/" rel="noreferrer">' in page.text


# ------------------------------------------------------------------ item 4: body limits


def test_a_body_over_the_limit_is_refused_unread(served):
    big = b'{"note": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    answer = requests.post(served.base_url + "/authorizations", data=big, auth=OCTOCAT, timeout=10)
    assert answer.status_code == 413
    assert answer.json() == {
        "message": "Request body too large (the limit is 1048576 bytes)",
        "documentation_url": "https://developer.github.com/enterprise/2.18/v3",
    }
    assert len(served.authorizations()) == 2


def test_a_chunked_body_over_the_limit_is_cut_off(served):
    def chunks() -> Iterator[bytes]:
        yield b'{"note": "'
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MB in all, no Content-Length
        yield b'"}'

    answer = requests.post(
        served.base_url + "/authorizations", data=chunks(), auth=OCTOCAT, timeout=10
    )
    assert answer.status_code == 413
    assert answer.json()["message"].startswith("Request body too large")
    assert len(served.authorizations()) == 2


def test_a_chunked_body_under_the_limit_reaches_the_api_whole(served):
    # Chunked (no Content-Length), split mid-key: the create sees every field.
    def chunks() -> Iterator[bytes]:
        yield b'{"scopes": ["gi'
        yield b'st"], "note": "chun'
        yield b'ked"}'

    answer = requests.post(
        served.base_url + "/authorizations", data=chunks(), auth=OCTOCAT, timeout=10
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["note"], answer.json()["scopes"]) == ("chunked", ["gist"])
    assert len(served.authorizations()) == 3


def test_a_chunked_scenario_under_the_limit_reaches_the_admin_api_whole(served):
    def chunks() -> Iterator[bytes]:
        yield b"users:\n  - login: chunky\n"
        yield b"    password: pw\n"

    answer = requests.post(served.root_url + "/_fake_ghe/scenario", data=chunks(), timeout=10)
    assert answer.status_code == 200, answer.text
    assert served.user("chunky") is not None


def test_the_admin_limit_is_larger_and_a_body_under_it_passes(served):
    # 2 MB: over the API's 1 MiB, under the admin API's 8 MiB; the scenario reader refuses it.
    answer = requests.post(
        served.root_url + "/_fake_ghe/scenario", data=b"#" * (2 * 1024 * 1024), timeout=10
    )
    assert answer.status_code == 422
    over = requests.post(
        served.root_url + "/_fake_ghe/scenario", data=b"#" * (9 * 1024 * 1024), timeout=10
    )
    assert over.status_code == 413


# ------------------------------------------------------------------ item 9: Host


@pytest.mark.parametrize(
    ("request_line", "message"),
    [
        (b"GET /api/v3/meta HTTP/1.0\r\n\r\n", "Missing Host header"),
        (b"GET /api/v3/meta HTTP/1.1\r\nHost: a b\r\n\r\n", "Invalid Host header"),
        (b"GET /api/v3/meta HTTP/1.1\r\nHost: x/y\r\n\r\n", "Invalid Host header"),
        (b"GET /api/v3/authorizations HTTP/1.1\r\nHost: \r\n\r\n", "Invalid Host header"),
    ],
)
def test_a_missing_or_invalid_host_is_400(served, request_line, message):
    answer = raw(served, request_line)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert body == (
        b'{"message":"' + message.encode() + b'",'
        b'"documentation_url":"https://developer.github.com/enterprise/2.18/v3"}'
    )


# ------------------------------------------------------------------ item 7: tokens masked


def test_token_shaped_values_are_masked_in_journal_and_log(served, caplog):
    token = served.authorizations(user="octocat")[0].token
    api = served.base_url
    paths = [
        f"/applications/{CLIENT_ID}/tokens/{token}/",
        f"/applications/{CLIENT_ID}/tokens/{token}/x",
        f"/authorizations/{token}",
        f"/user/{token}",
        f"/meta?token={token}",
        f"/meta?q=a{token}",
    ]
    for path in paths:
        requests.get(api + path, auth=OCTOCAT, timeout=5)
    calls = requests.get(served.root_url + "/_fake_ghe/calls", timeout=5)
    assert calls.status_code == 200
    assert token not in calls.text and token[:32] not in calls.text
    assert calls.text.count("***" + token[-8:]) == len(paths)
    page = requests.get(served.root_url + "/_fake_ghe/", timeout=5)
    assert token not in page.text


def test_the_request_log_masks_token_shaped_values(tmp_path):
    served = Served("--port", "0", "--seed", "1")
    try:
        served.wait_ready()
        url = served.ready["api_url"]
        token = "f" * 40
        requests.get(f"{url}/user/{token}", timeout=5)
        requests.get(f"{url}/authorizations/{token}?token={token}", timeout=5)
    finally:
        served.stop()
    assert token not in served.stderr
    assert f"/user/***{token[-8:]}" in served.stderr


# ------------------------------------------------------------------ item 3: remote binds


def test_binding_beyond_loopback_warns_names_the_address_and_turns_admin_off():
    served = Served("--port", "0", "--empty", "--host", "0.0.0.0")
    try:
        served.wait_ready()
        ready = served.ready
        port = ready["url"].rsplit(":", 1)[1]
        assert ready["listening"] == f"0.0.0.0:{port}"
        assert ready["admin_url"] is None
        answer = requests.get(ready["url"] + "/_fake_ghe/state", timeout=5)
        assert answer.status_code == 404
    finally:
        served.stop()
    assert "WARNING: listening on 0.0.0.0, not on loopback" in served.stderr
    assert "admin API and state page are off" in served.stderr
    assert f"listening on 0.0.0.0:{port}" in served.stderr


def test_with_an_admin_token_every_admin_request_must_carry_it():
    served = Served("--port", "0", "--empty", "--quiet", "--host", "0.0.0.0", "--admin-token", "s3")
    try:
        served.wait_ready()
        url = served.ready["url"] + "/_fake_ghe/state"
        assert requests.get(url, timeout=5).status_code == 401
        wrong = requests.get(url, headers={"Authorization": "Bearer s4"}, timeout=5)
        assert wrong.status_code == 401 and wrong.json()["message"].startswith("the admin API")
        right = requests.get(url, headers={"Authorization": "Bearer s3"}, timeout=5)
        assert right.status_code == 200
        # The Host rule holds even with the token.
        rebound = {"Authorization": "Bearer s3", "Host": "attacker.example"}
        assert requests.get(url, headers=rebound, timeout=5).status_code == 403
    finally:
        served.stop()
    assert "WARNING: listening on 0.0.0.0" in served.stderr  # even with --quiet


# ------------------------------------------------------------------ item 11: stalled clients


def test_stalled_connections_are_dropped_and_others_answered(served):
    assert served.server is not None
    served.server.timeout = 0.5
    port = served.server.port
    stalled = []
    for _ in range(20):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"POST /api/v3/authorizations HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n")
        stalled.append(conn)
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)  # sends nothing at all
    stalled.append(idle)
    # Others are answered meanwhile.
    assert requests.get(served.base_url + "/meta", timeout=5).status_code == 200
    time.sleep(1.0)
    threads_before = threading.active_count()
    for conn in stalled:
        # Dropped: the server closed its end (recv sees EOF or a reset), with no answer.
        with contextlib.suppress(ConnectionResetError):
            assert conn.recv(1024) == b""
        conn.close()
    assert threading.active_count() <= threads_before
    assert requests.get(served.base_url + "/meta", timeout=5).status_code == 200


def test_the_default_timeout_and_cli_defaults_agree():
    from fake_ghe import cli, journal, server

    assert cli.DEFAULT_TIMEOUT == server.DEFAULT_TIMEOUT == 30.0
    assert cli.JOURNAL_LIMIT == journal.DEFAULT_LIMIT
    with FakeGHE().serve() as fake:
        assert fake.server is not None and fake.server.timeout == 30.0


def test_cli_limits_reach_the_server():
    served = Served("--port", "0", "--quiet", "--max-body", "100", "--journal-limit", "2")
    try:
        served.wait_ready()
        url = served.ready["api_url"]
        answer = requests.post(url + "/authorizations", data=b"x" * 101, auth=OCTOCAT, timeout=5)
        assert answer.status_code == 413
        for _ in range(3):
            requests.get(url + "/meta", timeout=5)
        calls = requests.get(served.ready["url"] + "/_fake_ghe/calls", timeout=5)
        assert len(calls.json()) == 2 and calls.headers["X-Fake-GHE-Dropped"] == "2"
    finally:
        served.stop()


def test_http_client_sees_413_before_sending_everything(served):
    # A client that sends headers, then waits: the answer comes from the headers alone.
    assert served.server is not None
    conn = http.client.HTTPConnection("127.0.0.1", served.server.port, timeout=5)
    conn.putrequest("POST", "/api/v3/authorizations")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 413
    conn.close()
