"""Contexts that nest (issue 11): each ``with`` undoes only what it started, in any order, and a
fake that is intercepted and served at once answers on both URLs over one state."""

from __future__ import annotations

import httpx
import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from fake_ghe import FakeGHE
from fake_ghe.inprocess import Hosts

REAL_SEND = HTTPAdapter.send


def intercepted(fake: FakeGHE) -> bool:
    """Whether requests to the fake's public host are answered in-process."""
    try:
        return requests.get(fake.inprocess_url + "/api/v3/meta", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


def served_at(url: str) -> bool:
    """Whether something answers at ``url`` over a real socket (httpx is not patched here)."""
    try:
        return httpx.get(url + "/api/v3/meta", timeout=5).status_code == 200
    except httpx.ConnectError:
        return False


@pytest.fixture(autouse=True)
def nothing_left_patched():
    yield
    assert HTTPAdapter.send is REAL_SEND, "requests is still patched after the test"


# ------------------------------------------------------------------ every nesting order


def test_leaving_serve_inside_intercept_keeps_intercepting() -> None:
    fake = FakeGHE()
    with fake.intercept():
        with fake.serve():
            served = fake.served_url
            assert served is not None and served_at(served)
        assert intercepted(fake)  # issue 11: this reached real DNS
        assert fake.served_url is None and not served_at(served)
    assert HTTPAdapter.send is REAL_SEND


def test_leaving_intercept_inside_serve_keeps_serving() -> None:
    fake = FakeGHE()
    with fake.serve():
        served = fake.served_url
        assert served is not None
        with fake.intercept():
            assert intercepted(fake)
        assert HTTPAdapter.send is REAL_SEND
        assert fake.served_url == served and served_at(served)
    assert fake.server is None and not served_at(served)


def test_serve_inside_serve_goes_on_on_the_same_address() -> None:
    fake = FakeGHE()
    with fake.serve():
        served = fake.served_url
        with fake.serve("127.0.0.1", 0):
            assert fake.served_url == served
        assert fake.served_url == served and served_at(served)
    assert fake.served_url is None and not served_at(served)


def test_intercept_inside_intercept_keeps_intercepting() -> None:
    fake = FakeGHE()
    with fake.intercept():
        with fake.intercept():
            assert intercepted(fake)
        assert intercepted(fake)
    assert HTTPAdapter.send is REAL_SEND


def test_close_inside_stops_everything_and_the_exits_after_it_undo_nothing() -> None:
    fake = FakeGHE()
    with fake.intercept():
        with fake.serve():
            served = fake.served_url
            assert served is not None
            fake.close()
            assert HTTPAdapter.send is REAL_SEND
            assert fake.server is None and not served_at(served)
            # Started again inside the blocks: it is no one's start that is ending below.
            fake.intercept()
        assert intercepted(fake)
    assert intercepted(fake)
    fake.close()
    assert HTTPAdapter.send is REAL_SEND


def test_the_fake_as_a_context_stops_everything_started_inside() -> None:
    with FakeGHE() as fake:
        fake.intercept()
        fake.serve()
        fake.intercept()
        served = fake.served_url
        assert served is not None
    assert HTTPAdapter.send is REAL_SEND
    assert fake.server is None and not served_at(served)


def test_starts_undone_out_of_order_each_undo_their_own() -> None:
    fake = FakeGHE()
    outer, inner = fake.intercept(), fake.serve()
    outer.__exit__(None, None, None)  # the interception was outer's alone
    assert HTTPAdapter.send is REAL_SEND
    assert fake.server is not None
    inner.__exit__(None, None, None)
    assert fake.server is None
    outer.__exit__(None, None, None)  # twice is nothing
    assert fake.server is None and HTTPAdapter.send is REAL_SEND


# ------------------------------------------------------------------ what a start returns


def test_with_a_start_as_fake_gives_the_fake_itself() -> None:
    fake = FakeGHE()
    with fake.intercept() as entered, fake.serve() as again:
        assert entered is fake and again is fake
    with FakeGHE().intercept() as made:
        assert type(made) is FakeGHE
        made.add_user("octocat", "pw")
        assert requests.get(made.url("/user"), auth=("octocat", "pw")).json()["login"] == "octocat"


def test_a_start_kept_in_a_variable_is_the_fake_for_every_use() -> None:
    fake = FakeGHE().intercept()  # as before issue 11: the result is used as the fake
    try:
        assert isinstance(fake, FakeGHE)
        fake.add_user("octocat", "pw")
        assert requests.get(fake.url("/user"), auth=("octocat", "pw")).status_code == 200
        with fake.serve() as same:  # the entered fake is the one the handle shares state with
            assert same == fake and same.users() == fake.users()
        assert intercepted(same)  # leaving serve() left the interception on
    finally:
        fake.close()
    assert HTTPAdapter.send is REAL_SEND


def test_a_subclass_of_the_fake_keeps_its_own_methods_on_a_start() -> None:
    class TeamFake(FakeGHE):
        def add_team(self) -> None:
            self.add_user("alice", "pw")
            self.add_user("bob", "pw")

    with TeamFake() as fake:
        started = fake.intercept()
        assert isinstance(started, TeamFake)
        started.add_team()
        assert [user.login for user in fake.users()] == ["alice", "bob"]


# ------------------------------------------------------------------ both at once, one state


def test_requests_to_the_socket_url_while_intercepted_are_answered_in_process() -> None:
    with FakeGHE().intercept() as fake, fake.serve():
        served = fake.served_url
        assert served is not None
        fake.add_user("octocat", "pw")
        created = requests.post(
            served + "/api/v3/authorizations", auth=("octocat", "pw"), json={"note": "x"}
        )
        assert created.status_code == 201
        # url fields name the address the client used, as over the socket.
        assert created.json()["url"] == served + "/api/v3/authorizations/1"
        # The same state and faults on both URLs, and in-process: requests' own timeout, the
        # in-process adapter's message (over a socket urllib3 words it).
        listed = requests.get(fake.inprocess_url + "/api/v3/authorizations", auth=("octocat", "pw"))
        assert [a["id"] for a in listed.json()] == [1]
        fake.slow("GET", "/meta", 5)
        with pytest.raises(requests.ReadTimeout, match=r"^fake-ghe: read timed out"):
            requests.get(served + "/api/v3/meta", timeout=0.05)
        fake.disconnect("GET", "/meta")
        with pytest.raises(requests.ConnectionError, match="Remote end closed connection"):
            requests.get(served + "/api/v3/meta")
        assert [call.status for call in fake.calls] == [201, 200, 0, 0]


def test_url_attributes_in_every_state() -> None:
    fake = FakeGHE("ghe.corp.example")
    assert (fake.inprocess_url, fake.served_url) == ("https://ghe.corp.example", None)
    assert fake.root_url == "https://ghe.corp.example"
    assert fake.base_url == "https://ghe.corp.example/api/v3"
    with fake.intercept():
        assert fake.root_url == fake.inprocess_url == "https://ghe.corp.example"
        with fake.serve():
            served = fake.served_url
            assert served is not None and served.startswith("http://127.0.0.1:")
            # Served (whether intercepted or not), root_url and base_url are the socket's:
            # the one URL every client can reach. inprocess_url stays what it was.
            assert fake.root_url == served
            assert fake.base_url == served + "/api/v3"
            assert fake.url("/meta") == served + "/api/v3/meta"
            assert fake.inprocess_url == "https://ghe.corp.example"
        assert fake.root_url == fake.inprocess_url and fake.served_url is None
    assert fake.base_url == "https://ghe.corp.example/api/v3"


def test_the_tests_own_responses_mock_started_first_still_answers_its_hosts() -> None:
    with responses.RequestsMock() as mock:
        mock.get("https://slack.example.com/hook", json={"ok": True})
        with FakeGHE().intercept() as fake, fake.serve():
            served = fake.served_url
            assert served is not None
            assert requests.get(served + "/api/v3/meta").status_code == 200
            assert requests.get("https://slack.example.com/hook").json() == {"ok": True}


def test_a_hostname_change_is_refused_until_every_interception_ends() -> None:
    fake = FakeGHE()
    with fake.intercept():
        with fake.intercept():
            pass
        with pytest.raises(RuntimeError, match="close"):
            fake.configure("other.example.com")
    fake.configure("other.example.com")
    assert fake.inprocess_url == "https://other.example.com"


def test_a_fakes_hosts_match_a_bracketed_ipv6_socket_url_and_no_lookalike() -> None:
    hosts = Hosts(["https://ghe.example.com", "http://[::1]:8080"])
    assert hosts.handles("http://[::1]:8080/api/v3/meta")
    assert hosts.handles("https://GHE.example.com:443/api/v3/meta")
    assert not hosts.handles("http://[::1]:8081/api/v3/meta")
    assert not hosts.handles("https://ghe.example.com.evil.test/")
