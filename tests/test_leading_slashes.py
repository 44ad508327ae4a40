"""A doubled slash at the start of the path is a path of its own, as one further in is.

werkzeug's routing and ``Request.path`` strip leading slashes, and Python's http.server turns
a leading "//" into "/", so ``https://ghe//api/v3/user`` (a base URL with a trailing slash, plus
"/api/v3/...") used to be answered as ``/api/v3/user``: the URL-building bug went unseen.
"""

from __future__ import annotations

import base64
import http.client
from collections.abc import Iterator

import pytest
import requests

from fake_ghe import FakeGHE

NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://developer.github.com/enterprise/2.18/v3",
}
BASIC = {"Authorization": "Basic " + base64.b64encode(b"alice:pw").decode()}
PATHS = ["//api/v3/user", "///api/v3/user", "//api/v3/authorizations?per_page=1"]
# The admin API is not in the call journal (it lists what clients asked of GHE).
ADMIN = "//_fake_ghe/"


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE().intercept() as fake:
        fake.add_user("alice", "pw")
        yield fake


@pytest.mark.parametrize("path", [*PATHS, ADMIN])
def test_in_process_a_leading_doubled_slash_is_a_json_404(fake: FakeGHE, path: str) -> None:
    answer = requests.get(fake.root_url + path, auth=("alice", "pw"), allow_redirects=False)
    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND
    assert [call.path for call in fake.calls] == ([] if path == ADMIN else [path])
    assert requests.get(fake.url("/user"), auth=("alice", "pw")).status_code == 200


def test_it_is_authenticated_first_as_any_unknown_path(fake: FakeGHE) -> None:
    answer = requests.get(fake.root_url + "//api/v3/user", auth=("alice", "wrong"))
    assert answer.status_code == 401
    assert answer.json()["message"] == "Bad credentials"
    assert (fake.calls[-1].path, fake.calls[-1].principal) == ("//api/v3/user", "alice (failed)")


@pytest.mark.parametrize("path", [*PATHS, ADMIN])
def test_over_a_socket_a_leading_doubled_slash_is_a_json_404(path: str) -> None:
    fake = FakeGHE()
    fake.add_user("alice", "pw")
    with fake.serve():
        assert fake.served_url is not None
        connection = http.client.HTTPConnection(fake.served_url.removeprefix("http://"))
        try:
            connection.request("GET", path, headers=BASIC)
            answer = connection.getresponse()
            assert answer.status == 404
            assert answer.read() == (
                b'{"message":"Not Found","documentation_url":'
                b'"https://developer.github.com/enterprise/2.18/v3"}'
            )
            connection.request("GET", "/api/v3/user", headers=BASIC)  # the same connection
            assert connection.getresponse().status == 200
        finally:
            connection.close()
    journaled = [] if path == ADMIN else [path]
    assert [call.path for call in fake.calls] == [*journaled, "/api/v3/user"]
