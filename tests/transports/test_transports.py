"""The in-process adapter: requests reach the fake through ``responses`` and live alongside
the test's own ``responses`` mocks, whichever started first."""

from __future__ import annotations

import io
import re

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from fake_ghe import FakeGHE
from fake_ghe.inprocess import Hosts
from fake_ghe.transports import ResponsesTransport, read_timeout, wsgi_environ

SLACK = "https://slack.example.com/api/chat.postMessage"


def listed(fake: FakeGHE) -> requests.Response:
    return requests.get(fake.url("/authorizations"), auth=("octocat", "pw"))


# ------------------------------------------------------------------ requests themselves


def test_answers_on_its_host_only_and_refuses_others_like_responses(fake: FakeGHE) -> None:
    assert listed(fake).json() == []
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get("https://github.com/api/v3/authorizations")
    message = str(refused.value)
    assert "Connection refused by Responses" in message
    assert "GET https://github.com/api/v3/authorizations" in message
    # The message names what *is* answered here.
    assert "https://ghe.example.com/" in message


def test_url_matching_ignores_host_case_and_the_default_port(fake: FakeGHE) -> None:
    for root in ("https://GHE.example.com", "https://ghe.example.com:443"):
        answer = requests.get(root + "/api/v3/authorizations", auth=("octocat", "pw"))
        assert answer.status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get("http://ghe.example.com/api/v3/authorizations")  # another scheme
    with pytest.raises(requests.ConnectionError):
        requests.get("https://ghe.example.com.evil.test/api/v3/meta")


def test_a_login_in_the_url_is_intercepted_and_sent_as_basic_auth(fake: FakeGHE) -> None:
    answer = requests.get("https://octocat:pw@ghe.example.com/api/v3/user")
    assert answer.status_code == 200
    assert answer.json()["login"] == "octocat"
    assert [call.principal for call in fake.calls] == ["octocat"]
    wrong = requests.get("https://octocat:nope@GHE.example.com:443/api/v3/user")
    assert wrong.status_code == 401


def test_the_host_header_never_carries_the_login() -> None:
    def echo(environ: dict, start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [f"{environ['HTTP_HOST']} {environ.get('HTTP_AUTHORIZATION')}".encode()]

    with ResponsesTransport(echo, "http://wsgi.test:8080"):
        answer = requests.get("http://a:b@wsgi.test:8080/")
    assert answer.text == "wsgi.test:8080 Basic YTpi"  # base64("a:b")
    prepared = requests.Request("GET", "https://a:b@ghe.example.com:8443/api/v3").prepare()
    assert wsgi_environ(prepared)["HTTP_HOST"] == "ghe.example.com:8443"


def test_a_root_takes_an_explicit_port() -> None:
    hosts = Hosts(["http://localhost:8080"])
    assert hosts.handles("http://localhost:8080/api/v3")
    assert not hosts.handles("http://localhost/api/v3")
    assert hosts.handles("http://user:pw@localhost:8080/api/v3")
    assert not hosts.handles("http://localhost:8080@evil.test/api/v3")
    assert not hosts.handles("http://localhost:80801/api/v3")
    with pytest.raises(ValueError, match="not an http"):
        Hosts(["ftp://example.com"])


def test_status_headers_and_body_come_from_the_app(fake: FakeGHE) -> None:
    created = requests.post(
        fake.url("/authorizations"),
        auth=("octocat", "pw"),
        json={"scopes": ["repo"], "note": "ci"},
    )
    assert created.status_code == 201
    assert created.headers["Location"] == created.json()["url"]
    assert created.json()["url"].startswith("https://ghe.example.com/api/v3/authorizations/")
    assert created.headers["Content-Type"] == "application/json; charset=utf-8"
    assert created.headers["X-GitHub-Enterprise-Version"] == "2.18.0"
    deleted = requests.delete(created.json()["url"], auth=("octocat", "pw"))
    assert deleted.status_code == 204
    assert deleted.content == b""
    # The app's own 204 content type, as recorded in 2018 (okrb18.delete), not the one
    # responses would add by default.
    assert deleted.headers["Content-Type"] == "application/octet-stream"


def test_conditional_get_gets_304_with_an_empty_body(fake: FakeGHE) -> None:
    first = listed(fake)
    again = requests.get(
        fake.url("/authorizations"),
        auth=("octocat", "pw"),
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "body",
    [
        b'{"scopes": ["gist"], "note": "bytes"}',
        '{"scopes": ["gist"], "note": "str \u00e9"}',
        io.BytesIO(b'{"scopes": ["gist"], "note": "file"}'),
        (part for part in [b'{"scopes": ["gist"], ', b'"note": "chunked"}']),
    ],
    ids=["bytes", "str", "file", "generator"],
)
def test_every_body_requests_can_send_reaches_the_app(fake: FakeGHE, body: object) -> None:
    answer = requests.post(fake.url("/authorizations"), auth=("octocat", "pw"), data=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["scopes"] == ["gist"]
    assert answer.json()["note"] in ("bytes", "str \u00e9", "file", "chunked")


def test_query_strings_and_head_requests(fake: FakeGHE) -> None:
    for n in range(3):
        fake.add_authorization("octocat", note=f"n{n}")
    page = requests.get(
        fake.url("/authorizations"), params={"per_page": 2, "page": 2}, auth=("octocat", "pw")
    )
    assert [item["note"] for item in page.json()] == ["n2"]
    assert 'rel="prev"' in page.headers["Link"]
    head = requests.head(fake.url("/authorizations"), auth=("octocat", "pw"))
    assert head.status_code == 200
    assert head.content == b""


def test_percent_encoded_paths_are_decoded_like_a_server_would(fake: FakeGHE) -> None:
    app = fake.add_app("tool")
    token = fake.add_authorization("octocat", app).token
    answer = requests.get(
        fake.url(f"/applications/{app.client_id}/tokens/%{ord(token[0]):02x}{token[1:]}"),
        auth=(app.client_id, app.client_secret),
    )
    assert answer.status_code == 200
    assert answer.json()["token"] == token


def test_read_timeout_reads_what_requests_accepts() -> None:
    assert read_timeout(None) is None
    assert read_timeout(2) == 2.0
    assert read_timeout((1, 3.5)) == 3.5
    assert read_timeout((1, None)) is None

    class Urllib3Timeout:
        read_timeout = 4

    assert read_timeout(Urllib3Timeout()) == 4.0


def test_stopping_restores_requests_exactly() -> None:
    before = HTTPAdapter.send
    before_hook = responses.RequestsMock._on_request
    fake = FakeGHE().intercept()
    assert HTTPAdapter.send is not before
    fake.close()
    assert HTTPAdapter.send is before
    assert responses.RequestsMock._on_request is before_hook


def test_two_fakes_on_two_hosts_answer_side_by_side() -> None:
    with FakeGHE("ghe-a.example.com").intercept() as a, FakeGHE("ghe-b.test").intercept() as b:
        a.add_user("alice", "pw")
        b.add_user("bob", "pw")
        assert requests.get(a.url("/authorizations"), auth=("alice", "pw")).status_code == 200
        assert requests.get(b.url("/authorizations"), auth=("bob", "pw")).status_code == 200
        assert requests.get(b.url("/authorizations"), auth=("alice", "pw")).status_code == 401
    assert [call.principal for call in a.calls] == ["alice"]
    # Issue 11: the failed sign-in names the login it tried (it was None).
    assert [call.principal for call in b.calls] == ["bob", "alice (failed)"]


def test_closing_fakes_out_of_order_never_lets_requests_out() -> None:
    before = HTTPAdapter.send
    before_hook = responses.RequestsMock._on_request
    a = FakeGHE("ghe-a.example.com").intercept()
    b = FakeGHE("ghe-b.example.com").intercept()
    b.add_user("bob", "pw")
    a.close()
    # b keeps answering; a's host is refused, not looked up for real.
    assert requests.get(b.url("/authorizations"), auth=("bob", "pw")).status_code == 200
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        requests.get(a.url("/meta"))
    a.intercept()  # started again: on top, answering once more
    assert requests.get(a.url("/meta")).status_code == 200
    b.close()
    assert requests.get(a.url("/meta")).status_code == 200
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        requests.get(b.url("/meta"))
    a.close()
    assert HTTPAdapter.send is before
    assert responses.RequestsMock._on_request is before_hook


def test_read_timeout_messages_show_no_secrets(fake: FakeGHE) -> None:
    app = fake.add_app("ci")
    token = fake.add_authorization("octocat", app).token
    fake.slow("*", "*", 30, times=None)
    urls = [
        fake.url(f"/applications/{app.client_id}/tokens/{token}"),
        fake.url(f"/user?access_token={token}"),
        "https://octocat:hunter2@ghe.example.com/api/v3/user",
    ]
    messages = []
    for url in urls:
        with pytest.raises(requests.exceptions.ReadTimeout) as timed_out:
            requests.get(url, auth=(app.client_id, app.client_secret), timeout=(5, 0.05))
        messages.append(str(timed_out.value))
    assert not any(token in m or "hunter2" in m for m in messages)
    assert messages == [
        "fake-ghe: read timed out (read timeout=0.05) on GET "
        f"https://ghe.example.com/api/v3/applications/{app.client_id}/tokens/***{token[-8:]}",
        "fake-ghe: read timed out (read timeout=0.05) on GET "
        "https://ghe.example.com/api/v3/user?access_token=***",
        "fake-ghe: read timed out (read timeout=0.05) on GET "
        "https://octocat:***@ghe.example.com/api/v3/user",
    ]


# ------------------------------------------------------------------ the test's own responses


def test_responses_activate_inside_the_fake(fake: FakeGHE) -> None:
    @responses.activate
    def body() -> None:
        responses.add(responses.POST, SLACK, json={"ok": True})
        assert requests.post(SLACK).json() == {"ok": True}
        assert listed(fake).status_code == 200
        # The fake's calls are not the test's: responses.calls lists only its own stub.
        assert [call.request.url for call in responses.calls] == [SLACK]

    body()
    body()  # its __exit__ cleared *its* registrations; the fake still answers
    assert listed(fake).status_code == 200


def test_own_requests_mock_inside_the_fake(fake: FakeGHE) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add(responses.POST, SLACK, json={"ok": True})
        assert requests.post(SLACK).json() == {"ok": True}
        assert listed(fake).status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.get("https://elsewhere.example.org/")
    assert listed(fake).status_code == 200


def test_a_mock_started_before_the_fake_keeps_answering_its_hosts() -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, SLACK, json={"ok": True})
        with FakeGHE().intercept() as fake:
            fake.add_user("octocat", "pw")
            assert listed(fake).status_code == 200
            assert requests.post(SLACK).json() == {"ok": True}
            with pytest.raises(requests.ConnectionError) as refused:
                requests.get("https://elsewhere.example.org/")
            # The refusal comes from that mock, listing its own stubs.
            assert SLACK in str(refused.value)
        assert [call.request.url for call in mock.calls] == [
            SLACK,
            "https://elsewhere.example.org/",
        ]
        # And once the fake is gone, that mock is in charge again.
        with pytest.raises(requests.ConnectionError):
            requests.get("https://ghe.example.com/api/v3/meta")


def test_the_fake_wins_its_host_over_the_tests_stubs_and_passthrough(fake: FakeGHE) -> None:
    # A passthrough-everything mock would otherwise send the fake's requests to the network.
    with responses.RequestsMock() as mock:
        mock.add_passthru(re.compile(".*"))
        assert listed(fake).status_code == 200
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, fake.url("/authorizations"), json=["stub"])
        assert listed(fake).json() == []


def test_overlapping_stubs_of_the_test_keep_responses_semantics(fake: FakeGHE) -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, SLACK, json={"n": 1})
        mock.add(responses.GET, SLACK, json={"n": 2})
        got = [requests.get(SLACK).json()["n"] for _ in range(3)]
        assert listed(fake).status_code == 200
    assert got == [1, 2, 2]


def test_passthrough_lets_chosen_urls_reach_the_network() -> None:
    with FakeGHE().serve() as live, FakeGHE().intercept(passthrough=[live.root_url]) as fake:
        live.add_user("octocat", "pw")
        fake.add_user("octocat", "pw")
        assert requests.get(live.url("/authorizations"), auth=("octocat", "pw")).json() == []
        assert listed(fake).status_code == 200
        assert len(live.calls) == 1 and len(fake.calls) == 1


def test_passthrough_added_while_intercepting() -> None:
    with FakeGHE().serve() as live, FakeGHE().intercept() as fake:
        live.add_user("octocat", "pw")
        with pytest.raises(requests.ConnectionError):
            requests.get(live.url("/meta"))
        fake.passthrough(live.root_url)
        assert requests.get(live.url("/meta")).status_code == 200


def test_transport_used_on_its_own_over_any_wsgi_app() -> None:
    def hello(environ: dict, start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [environ["PATH_INFO"].encode(), b" ", environ["QUERY_STRING"].encode()]

    with ResponsesTransport(hello, "http://wsgi.test:8080"):
        answer = requests.get("http://wsgi.test:8080/a%20b?x=1")
    assert answer.text == "/a b x=1"
