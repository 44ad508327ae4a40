"""Scenarios: problems are reported together, conflicts with the store too; a bad file changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_ghe.scenario import (
    ScenarioError,
    load_scenario,
    validate_scenario,
)
from fake_ghe.store import Store

from .scenario_support import APP_ID, EXAMPLE, HERE, TOKEN, problems, seeded_store, state, write


def test_a_mistyped_app_or_note_is_reported_once_and_a_missing_note_is_made_up(
    in_tmp: Path,
) -> None:
    text = """
        users:
          - login: lisa
            password: pw
        authorizations:
          - user: lisa
            app: 12345
          - user: lisa
            note: [x]
          - user: lisa
        """
    assert problems(text) == [
        "s.yaml:6: authorizations[0].app: must be a string, not int 12345 (quote it)",
        "s.yaml:8: authorizations[1].note: must be a string, not a list",
    ]


def test_all_problems_of_a_file_are_reported_together() -> None:
    found = validate_scenario(HERE / "broken.yaml")

    file = str(HERE / "broken.yaml")
    assert [(p.file, p.line, p.path) for p in found] == [
        (file, 6, "users[1].login"),
        (file, 8, "users[2].password"),
        (file, 9, "users[2].passwd"),
        (file, 16, "authorizations[0].scopes[1]"),
        (file, 17, "authorizations[1].user"),
    ]
    assert found[-1].message == "no user 'carol'; known users: alice, bob"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(Store(), HERE / "broken.yaml")
    assert caught.value.problems == found
    assert str(caught.value).splitlines() == [str(problem) for problem in found]
    assert all(line.startswith(f"{file}:") for line in str(caught.value).splitlines())


def test_conflicts_with_what_the_store_holds_are_reported(in_tmp: Path) -> None:
    store = seeded_store()

    found = problems(
        f"""
        users:
          - login: Alice
            password: pw
        oauth_apps:
          - name: again
            client_id: {APP_ID}
        authorizations:
          - user: alice
            note: laptop
          - user: alice
            app: {APP_ID}
            fingerprint: fp
          - user: alice
            note: other
            token: {TOKEN}
        """,
        store,
    )

    assert found == [
        "s.yaml:2: users[0].login: user 'Alice' already exists in the store",
        f"s.yaml:6: oauth_apps[0].client_id: an app with client_id '{APP_ID}' already exists"
        " in the store",
        "s.yaml:9: authorizations[0].note: 'alice' already has a personal token with this note"
        " in the store",
        "s.yaml:12: authorizations[1].fingerprint: 'alice' already has a token of this app"
        " with this fingerprint in the store",
        "s.yaml:15: authorizations[2].token: token ...01234567 is already in use in the store",
    ]


def test_a_missing_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"

    with pytest.raises(ScenarioError) as caught:
        load_scenario(Store(), missing)

    message = "cannot read the file: No such file or directory"
    assert str(caught.value) == f"{missing}: (document): {message}"


def test_an_absolute_path_is_named_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("users:\n  - login: alice\n    password: pw\n    site_admin: 1\n")

    with pytest.raises(ScenarioError, match=r"bad\.yaml") as caught:
        load_scenario(Store(), path)

    assert str(caught.value) == f"{path}:4: users[0].site_admin: must be true or false, not int 1"


# ---------------------------------------------------------------------------------- all or nothing


def test_a_bad_file_leaves_a_seeded_store_as_it_was(in_tmp: Path) -> None:
    store, control = seeded_store(), seeded_store()
    before = state(store)

    # Everything is fine except the very last line, so a loader that applied item by item
    # would already have added the user, the app and the first token.
    problems(
        """
        users:
          - login: bob
            password: pw
        oauth_apps:
          - name: new app
            client_id: bbbbbbbbbbbbbbbbbbbb
        authorizations:
          - user: bob
            app: bbbbbbbbbbbbbbbbbbbb
          - user: bob
            scopes: [no-such-scope]
            note: n
        """,
        store,
    )

    assert state(store) == before
    assert store.user("bob") is None and store.oauth_app("bbbbbbbbbbbbbbbbbbbb") is None
    # ids and the seeded token sequence carry on as if nothing had been tried
    assert store.add_user("carol", "pw").id == control.add_user("carol", "pw").id == 2
    assert store.add_authorization("carol", note="x").token == (
        control.add_authorization("carol", note="x").token
    )


def test_replace_resets_only_when_the_scenario_is_good(in_tmp: Path) -> None:
    store = seeded_store()
    before = state(store)

    problems("users:\n  - login: bob\n", store)
    with pytest.raises(ScenarioError):
        load_scenario(store, write("users:\n  - login: bob\n"), replace=True)
    assert state(store) == before

    loaded = load_scenario(store, EXAMPLE, replace=True)

    assert [u.login for u in store.users()] == ["octocat", "hubot"]
    assert [u.id for u in loaded.users] == [1, 2]
    assert len(store.journal.events) == 1
