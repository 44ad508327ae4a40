"""Replay 41 sequences of real recorded exchanges with GitHub's OAuth Authorizations API.

``../shared/recordings/exchanges.json`` (octokit.rb, github3.py, hub4j, PyGithub cassettes and
two curl transcripts, 2013-2019) names, for each sequence, the seed it implies, each request
and the recorded answer. Each sequence is seeded into a fresh fake and sent in-process and over
a socket; every answer is compared with the recording as the file's ``comparison`` section
says: status; key sets of the body, ``app`` and ``user``; JSON types; the values that are
deterministic given the request; ids, tokens and hashes mapped one-to-one between recording and
fake; the headers that matter. What ``legitimate_differences`` names (host, docs prefix, rate
limits, packages scopes, 2013-2014 era keys) is rewritten or skipped, never held against us.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from fake_ghe import Clock, Config, Store, create_app
from fake_ghe.server import LiveServer

from . import openapi
from .recordings_replay import Replay
from .recordings_support import PLACEHOLDER, RECORDINGS, SEQUENCES, START
from .support import Api, in_process, over_socket


def test_the_recordings_are_there() -> None:
    assert RECORDINGS.is_file(), f"no recordings at {RECORDINGS} (set FAKE_GHE_RECORDINGS)"
    assert len(SEQUENCES) == 41
    assert len(SAME_GENERATION) == 26
    assert sum(len(s["steps"]) for s in SEQUENCES.values()) == 82


# ---------------------------------------------------------------------------- the tests


@pytest.fixture(params=["in-process", "socket"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def replay_api(transport: str) -> Iterator[tuple[Store, Api]]:
    store = Store(seed=1234, clock=Clock(frozen_at=START))
    app = create_app(store, Config(hostname="ghe.example.com"))
    if transport == "in-process":
        yield store, in_process(app)
        return
    with LiveServer(app) as server:
        yield store, over_socket(server.root_url)


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_replay(name: str, replay_api: tuple[Store, Api]) -> None:
    store, api = replay_api
    problems = Replay(SEQUENCES[name], store, api).run()
    assert not problems, f"{name} ({api.kind}) differs from the recording:\n" + "\n".join(problems)


# The 2018-2019 recordings are of GHE 2.18's generation; older eras lack later keys, so the
# description is no yardstick for them (their replay above still compares them).
SAME_GENERATION = sorted(name for name, s in SEQUENCES.items() if s["era"] >= "2018")


@pytest.mark.parametrize("name", SAME_GENERATION)
def test_recorded_bodies_conform_to_the_description_with_errata(name: str) -> None:
    """What GitHub answered in the 2018-2019 recordings fits the description once the errata
    are applied."""
    sequence = SEQUENCES[name]
    for step in sequence["steps"]:
        body = step["response"].get("body")
        options = step.get("compare", {})
        if body is None or options.get("values") == "none" or options.get("keys") == "none":
            continue
        path = PLACEHOLDER.sub("x", step["request"]["path"])  # the description's templates
        openapi.validate(step["request"]["method"], path, step["response"]["status"], body)


def test_errata_name_recorded_evidence() -> None:
    """Only recorded evidence justifies an erratum: each names sequences that exist."""
    for op in openapi.errata():
        named = set(re.findall(r"\b[a-z0-9]+\.[a-z0-9_]+\b", op["evidence"]))
        cited = named & set(SEQUENCES)
        assert cited, f"erratum {op['path']} names no recorded sequence: {op['evidence']!r}"
