"""Scenarios and the Python seeding API accept exactly the same data (one rule set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_ghe.scenario import (
    ScenarioError,
    load_scenario,
)
from fake_ghe.store import SeedError, Store

from .scenario_support import APP_ID, SECRET, TOKEN, problems, seeded_store, state, write

# ---------------------------------------------------------------------------------- one rule set

# (section, fields) pairs tried both ways: the Python seeding verbs and a scenario must accept
# and refuse exactly the same, with the same message for the same field.
PARITY = [
    ("users", {"login": "zoe", "password": "pw", "two_factor": "app"}),
    ("users", {"login": "zoë", "password": "pw"}),
    ("users", {"login": "-sam", "password": "pw"}),
    ("users", {"login": "sam", "password": "pw", "two_factor": "sms"}),
    ("users", {"login": "sam", "password": "pw", "two_factor": {"type": "sms"}}),
    (
        "users",
        {"login": "sam", "password": "pw", "two_factor": {"type": "app", "totp_secret": SECRET}},
    ),
    ("users", {"login": "sam", "password": "pw", "two_factor": "voice"}),
    ("users", {"login": "sam", "password": "pw", "two_factor": {"totp_secret": "x!"}}),
    ("users", {"login": "a:b", "password": "pw"}),
    ("users", {"login": " sam", "password": "pw"}),
    ("users", {"login": "alice", "password": "pw"}),
    ("users", {"login": "sam", "password": "pw\ud800"}),
    ("users", {"login": "sam", "password": ""}),
    ("users", {"login": "sam", "password": "pw", "site_admin": "yes"}),
    ("oauth_apps", {"name": "tool"}),
    ("oauth_apps", {"name": "tool", "client_id": " abc "}),
    ("oauth_apps", {"name": "tool", "client_id": "short"}),
    ("oauth_apps", {"name": "tool", "client_id": APP_ID}),
    ("oauth_apps", {"name": "tool", "client_id": "0" * 20}),
    ("oauth_apps", {"name": "tool", "url": "javascript:alert(1)"}),
    ("oauth_apps", {"name": "tool", "url": "https://tool.example.com", "client_secret": "s"}),
    ("authorizations", {"user": "alice", "app": "ci"}),
    ("authorizations", {"user": "alice", "app": APP_ID, "scopes": "repo"}),
    ("authorizations", {"user": "alice"}),
    ("authorizations", {"user": "alice", "note": "laptop"}),
    ("authorizations", {"user": "alice", "note": "n", "token": "not-hex"}),
    ("authorizations", {"user": "alice", "note": "n", "token": TOKEN.upper()}),
    ("authorizations", {"user": "alice", "note": "n", "token": TOKEN}),
    ("authorizations", {"user": "alice", "note": "n", "token": "f" * 40}),
    ("authorizations", {"user": "alice", "note": "n", "scopes": ["repo", "nope"]}),
    ("authorizations", {"user": "alice", "app": APP_ID, "fingerprint": "fp"}),
    ("authorizations", {"user": "nobody", "note": "n"}),
    ("authorizations", {"user": "alice", "app": "no such app"}),
]


def _seed_python(store: Store, section: str, fields: dict) -> str | None:
    kwargs = dict(fields)
    try:
        if section == "users":
            store.add_user(kwargs.pop("login"), kwargs.pop("password"), **kwargs)
        elif section == "oauth_apps":
            store.add_app(kwargs.pop("name"), kwargs.pop("url", None), **kwargs)
        else:
            store.add_authorization(kwargs.pop("user"), kwargs.pop("app", None), **kwargs)
    except SeedError as error:
        return str(error)
    return None


def _seed_scenario(store: Store, section: str, fields: dict) -> str | None:
    try:
        load_scenario(store, {section: [fields]})
    except ScenarioError as error:
        # "<scenario>: oauth_apps[0].client_id: message" -> "client_id: message"
        return "; ".join(
            f"{problem.path.split('].', 1)[1]}: {problem.message}" for problem in error.problems
        )
    return None


@pytest.mark.parametrize(
    ("section", "fields"), PARITY, ids=[f"{s}-{i}" for i, (s, _) in enumerate(PARITY)]
)
def test_python_and_scenarios_accept_exactly_the_same(section: str, fields: dict) -> None:
    by_python, by_scenario = seeded_store(), seeded_store()
    by_python.add_app("ci", client_id="c" * 20)
    by_scenario.add_app("ci", client_id="c" * 20)

    refused = _seed_python(by_python, section, fields)

    # The one difference: a scenario says that a clash is with what the store held before.
    by_scenario_refused = _seed_scenario(by_scenario, section, fields)
    assert (by_scenario_refused or "").replace(" in the store", "") == (refused or "")
    assert state(by_scenario) == state(by_python)


def test_a_refused_scenario_changes_nothing_however_late_the_problem(in_tmp: Path) -> None:
    store, control = seeded_store(), seeded_store()
    before = state(store)
    text = f"""
        users:
          - login: bob
            password: pw
        oauth_apps:
          - name: new app
        authorizations:
          - user: bob
            app: new app
          - user: alice
            note: fine
          - user: bob
            token: {"f" * 39}
    """

    assert problems(text, store) == [
        "s.yaml:12: authorizations[2].token: must be 40 lowercase hex characters, as GHE's"
        " tokens are"
    ]
    assert state(store) == before
    # ids and the seeded token sequence carry on as if nothing had been tried
    assert store.add_user("carol", "pw").id == control.add_user("carol", "pw").id
    assert store.add_authorization("carol").token == control.add_authorization("carol").token


def test_apps_may_be_named_by_name_and_get_made_up_ids(in_tmp: Path) -> None:
    store = Store(seed=3)
    loaded = load_scenario(
        store,
        write("""
            users: [{login: alice, password: pw}]
            oauth_apps: [{name: tool}, {name: other}]
            authorizations:
              - {user: alice, app: tool, scopes: repo}
              - {user: alice}
              - {user: alice}
        """),
    )

    tool = loaded.apps[0]
    assert len(tool.client_id) == 20 and len(tool.client_secret) == 40
    assert loaded.authorizations[0].client_id == tool.client_id
    assert [auth.note for auth in loaded.authorizations[1:]] == ["token 1", "token 2"]
    again = Store(seed=3)
    load_scenario(again, write("oauth_apps: [{name: tool}]\n"))
    assert again.oauth_apps()[0].client_id == tool.client_id  # seeded: the same every run
