"""The admin API under /_fake_ghe/: hostile bodies are a 400 or a 422, never a server error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from fake_ghe import Store

from ..admin_support import CRASHERS, state

# ------------------------------------------------------------------ hostile bodies

JSON_PATHS = [
    "/_fake_ghe/faults",
    "/_fake_ghe/clock/freeze",
    "/_fake_ghe/clock/unfreeze",
    "/_fake_ghe/clock/set",
    "/_fake_ghe/clock/advance",
    "/_fake_ghe/rate_limit",
    "/_fake_ghe/rate_limit/exhaust",
]


@pytest.mark.parametrize("path", JSON_PATHS)
def test_absurdly_nested_json_is_400_not_a_server_error(client, path):
    answer = client.post(path, data="[" * 100_000)
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "the body is not valid JSON: nested too deeply"
    assert client.get("/_fake_ghe/clock").get_json()["now"] == "2019-09-01T12:00:00Z"


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{\n\t"users": ' + "[" * 100_000],
    ids=["yaml", "json-with-tabs"],
)
def test_absurdly_nested_scenario_is_a_problem_not_a_server_error(client, body):
    before = state(client)
    answer = client.post("/_fake_ghe/scenario", data=body)
    assert answer.status_code == 422
    [problem] = answer.get_json()["errors"]
    assert problem.startswith("<scenario>:")
    assert "nested too deeply" in problem or "invalid YAML" in problem
    assert state(client) == before


@pytest.mark.parametrize("body", list(CRASHERS.values()), ids=list(CRASHERS))
def test_values_the_reader_cannot_make_are_a_422_and_the_state_stays_readable(
    client: FlaskClient, store: Store, body: str
) -> None:
    users = [user.login for user in store.users()]

    answer = client.post("/_fake_ghe/scenario", data=body)

    assert answer.status_code == 422, answer.get_data(as_text=True)
    errors = answer.get_json()["errors"]
    assert errors and all(
        error.startswith("<scenario>:1: ") or error.startswith("<scenario>:2: ") for error in errors
    ), errors
    assert [user.login for user in store.users()] == users
    assert client.get("/_fake_ghe/state").status_code == 200
    assert client.get("/_fake_ghe/").status_code == 200
