"""FakeGHE without pytest fixtures: where it answers (hostnames, URLs, serving and closing)."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.fake import split_hostname

# ------------------------------------------------------------------ where it answers


def test_default_address_and_the_url_helper() -> None:
    fake = FakeGHE()
    assert fake.base_url == "https://ghe.example.com/api/v3"
    assert fake.root_url == "https://ghe.example.com"
    assert fake.url("/authorizations") == "https://ghe.example.com/api/v3/authorizations"
    assert fake.url("user") == "https://ghe.example.com/api/v3/user"
    # Issue 11: with the API prefix too, as fault paths take it (it used to be doubled).
    assert fake.url("/api/v3/authorizations") == "https://ghe.example.com/api/v3/authorizations"
    assert fake.url("api/v3/user") == "https://ghe.example.com/api/v3/user"
    assert fake.url("/api/v3") == fake.url("/") == "https://ghe.example.com/api/v3/"
    # Only a whole leading segment is the prefix.
    assert fake.url("/api/v3x") == "https://ghe.example.com/api/v3/api/v3x"
    assert repr(fake) == "<FakeGHE https://ghe.example.com/api/v3>"


def test_url_with_or_without_the_prefix_over_a_socket() -> None:
    with FakeGHE().serve() as fake:
        assert fake.url("/api/v3/authorizations") == fake.base_url + "/authorizations"
        assert fake.url("/api/v3/authorizations") == fake.url("/authorizations")
        assert requests.get(fake.url("/api/v3/user"), timeout=10).status_code == 401


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ghe.corp", ("https", "ghe.corp")),
        ("ghe.corp:8443", ("https", "ghe.corp:8443")),
        ("http://ghe.local", ("http", "ghe.local")),
        ("https://ghe.corp/api/v3", ("https", "ghe.corp")),
        ("  ghe.corp ", ("https", "ghe.corp")),
    ],
)
def test_hostnames_accepted(given: str, expected: tuple[str, str]) -> None:
    assert split_hostname(given) == expected


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("", "non-empty"),
        ("https://ghe.corp/enterprise", "not a path"),
        ("ftp://ghe.corp", "http or https"),
        ("ghe corp", "not a host name"),
    ],
)
def test_hostnames_refused(given: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        FakeGHE(given)


def test_url_fields_name_the_configured_host() -> None:
    with FakeGHE("http://ghe.local:8080").intercept() as fake:
        fake.add_user("octocat", "pw")
        created = requests.post(
            fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "x"}
        )
    assert created.json()["url"] == "http://ghe.local:8080/api/v3/authorizations/1"


def test_url_fields_of_a_served_fake_name_the_socket_and_go_back_after() -> None:
    fake = FakeGHE().serve()
    try:
        fake.add_user("octocat", "pw")
        assert fake.base_url.startswith("http://127.0.0.1:")
        created = httpx.post(
            fake.url("/authorizations"), auth=("octocat", "pw"), json={"note": "x"}
        )
        assert created.json()["url"] == fake.url("/authorizations/1")
    finally:
        fake.close()
    assert fake.base_url == "https://ghe.example.com/api/v3"
    assert fake.config.hostname == "ghe.example.com"


def test_changing_the_hostname_while_intercepting_is_refused(fake: FakeGHE) -> None:
    with pytest.raises(RuntimeError, match="close"):
        fake.configure("other.example.com")


def test_closing_a_served_fake_stops_its_thread_and_frees_its_port() -> None:
    fake = FakeGHE().serve()
    assert fake.server is not None
    port, url = fake.server.port, fake.url("/meta")
    assert httpx.get(url).status_code == 200
    assert f"fake-ghe:{port}" in {thread.name for thread in threading.enumerate()}
    fake.close()
    # (How fast that is belongs to benchmarks, not to an assert here.)
    assert f"fake-ghe:{port}" not in {thread.name for thread in threading.enumerate()}
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=1)
    with socket.socket() as sock:  # nothing listens there any more
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_close_is_idempotent_and_the_fake_is_a_context_manager() -> None:
    with FakeGHE() as fake:
        fake.intercept().serve()
    fake.close()
    assert fake.server is None
