"""The in-process transports' tests share one fake: intercepting ``requests``, with octocat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_ghe import FakeGHE


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    """A fake intercepting ``requests``, with octocat (password ``pw``); a bug inside it fails
    the test."""
    with FakeGHE().intercept() as fake:
        fake.add_user("octocat", "pw")
        yield fake
    assert fake.errors == []
