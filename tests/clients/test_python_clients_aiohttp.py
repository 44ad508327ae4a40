"""aiohttp, which fake-ghe cannot patch, against a served fake, as the README says to use it;
and what the README says of aiohttp and dropped connections: it retries an idempotent request
after one, so a single ``disconnect`` fault is answered, and it takes ``times=2`` to see the
failure.
"""

from __future__ import annotations

from ..optional import require

require("clients", "aiohttp")

import asyncio
import base64
from collections.abc import Iterator

import aiohttp
import pytest

from fake_ghe import FakeGHE

BASIC = {"Authorization": "Basic " + base64.b64encode(b"octocat:pw").decode("ascii")}


@pytest.fixture
def served() -> Iterator[FakeGHE]:
    fake = FakeGHE()
    fake.add_user("octocat", "pw")
    fake.add_authorization("octocat", scopes=["repo"], note="laptop")
    with fake.serve():
        yield fake
    assert fake.errors == []


def get(fake: FakeGHE, path: str) -> tuple[int, object]:
    """``GET path`` with aiohttp: the status and JSON body, or the exception's type name."""

    async def run() -> tuple[int, object]:
        async with (
            aiohttp.ClientSession(headers=BASIC) as session,
            session.get(fake.url(path)) as answer,
        ):
            return answer.status, await answer.json()

    try:
        return asyncio.run(run())
    except aiohttp.ClientError as error:
        return 0, type(error).__name__


def test_aiohttp_lists_authorizations_from_a_served_fake(served: FakeGHE) -> None:
    status, body = get(served, "/authorizations")
    assert status == 200
    assert isinstance(body, list) and [item["note"] for item in body] == ["laptop"]


def test_aiohttp_retries_a_get_after_one_dropped_connection(served: FakeGHE) -> None:
    served.disconnect("GET", "/user", times=1)
    status, body = get(served, "/user")
    assert status == 200 and isinstance(body, dict) and body["login"] == "octocat"
    # The fake dropped the first try (0 in the journal) and answered aiohttp's retry.
    assert [call.status for call in served.calls] == [0, 200]


def test_two_dropped_connections_reach_the_aiohttp_caller(served: FakeGHE) -> None:
    served.disconnect("GET", "/user", times=2)
    assert get(served, "/user") == (0, "ServerDisconnectedError")
    assert [call.status for call in served.calls] == [0, 0]
