"""The one route table: odd path segments in every rule never answer 500; a doubled slash is a
JSON 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ..conftest import (
    APP_CLIENT_ID,
    NOT_FOUND,
    OCTOCAT,
)
from ..routes_support import ACCEPTED, RULES, VARIABLE, basic, credentials, fill, kind, send

# ------------------------------------------------------------------ odd paths never crash

ODD_SEGMENTS = [
    "%0A",
    "a%0Ab",
    "%0D%0A",
    "%00",
    "a%00b",
    "%09",
    "%20",
    "%2F",
    "a%2Fb",
    "%25",
    "%ff",
    "é",
    "指紋",
    "%E2%80%AE",
    "..",
    ".",
    "~",
    "x" * 5000,
    "%0A" * 100,
    "1" * 5000,  # more digits than int() takes
]


@pytest.fixture
def odd_paths(seeded) -> Callable[[Any], Iterator[str]]:
    def paths(rule: Any) -> Iterator[str]:
        names = [name for _, name in VARIABLE.findall(rule.rule)]
        for odd in ODD_SEGMENTS:
            for name in names:
                yield fill(rule, {**seeded, name: odd})
            yield fill(rule, seeded) + "/" + odd
            yield fill(rule, seeded) + odd

    return paths


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_odd_path_segments_never_answer_500(flask_app, seeded, odd_paths, rule) -> None:
    sent = credentials(seeded["access_token"])
    signed_in = sent[ACCEPTED[kind(rule)][0]]
    for path in odd_paths(rule):
        for method in [*sorted(rule.methods or ()), "FROB"]:
            for headers in ({}, signed_in):
                answer = send(flask_app, method, path, headers)
                assert answer.status_code != 500, (method, path, answer.get_data())
    assert flask_app.extensions["fake_ghe"].errors == []


@pytest.mark.parametrize(
    "path", ["//user", "/authorizations//1", f"/applications/{APP_CLIENT_ID}/tokens//x", "//meta"]
)
def test_a_doubled_slash_is_a_json_404_never_a_redirect(flask_app, seeded, path) -> None:
    # werkzeug would merge the slashes with an HTML 308, which requests follows silently, even
    # for a POST: a URL-building bug in the client would go unseen.
    for method in ("GET", "POST"):
        answer = send(flask_app, method, path, basic(*OCTOCAT))
        assert answer.status_code == 404, (method, path)
        assert answer.get_json() == NOT_FOUND
        assert "Location" not in answer.headers
