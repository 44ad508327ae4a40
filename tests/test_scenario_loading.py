"""Scenarios: the documented format loads what it says; hostile YAML is refused quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fake_ghe import totp
from fake_ghe.clock import Clock
from fake_ghe.scenario import (
    DEMO_SCENARIO,
    Loaded,
    Problem,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    validate_scenario,
)
from fake_ghe.store import Store
from fake_ghe.tokens import hash_token

from .scenario_support import APP_ID, EXAMPLE, SECRET, START, TOKEN, seeded_store, write

# ---------------------------------------------------------------------------------- loading


def test_the_documented_example_loads_what_it_says() -> None:
    store = Store(seed=1, clock=Clock(frozen_at=START))

    loaded = load_scenario(store, EXAMPLE)

    octocat, hubot = store.users()
    assert (octocat.login, octocat.password, octocat.site_admin) == (
        "octocat",
        "s3cret-Passw0rd",
        False,
    )
    assert octocat.two_factor is None
    assert (hubot.login, hubot.password) == ("hubot", "hubot-pass")
    assert (hubot.two_factor.type, hubot.two_factor.secret) == ("app", SECRET)
    (app,) = store.oauth_apps()
    assert (app.name, app.url, app.client_id, app.client_secret) == (
        "my github app",
        "http://my-github-app.com",
        "abcde12345fghij67890",
        "0123456789abcdef0123456789abcdef01234567",
    )
    (auth,) = store.authorizations()
    assert auth.user_id == octocat.id
    assert auth.client_id == app.client_id
    assert auth.scopes == ("public_repo",)
    assert (auth.note, auth.fingerprint) == ("optional note", "jklmnop12345678")
    assert auth.token == TOKEN
    assert auth.hashed_token == hash_token(TOKEN)
    assert store.authorization_by_token(TOKEN) is auth
    assert [grant.client_id for grant in store.grants()] == [app.client_id]
    assert [(e.kind, e.actor, e.authorization_id) for e in store.journal] == [
        ("created", "seed", auth.id)
    ]
    assert loaded == Loaded((octocat, hubot), (app,), (auth,))


def test_a_token_left_out_is_generated_from_the_store_seed(in_tmp: Path) -> None:
    text = """
        users:
          - login: alice
            password: pw
        authorizations:
          - user: alice
            note: generated
            scopes: repo
            note_url: http://example.com/why
    """
    first, second = Store(seed=5), Store(seed=5)

    (auth,) = load_scenario(first, write(text)).authorizations
    (again,) = load_scenario(second, write(text)).authorizations

    assert len(auth.token) == 40 and int(auth.token, 16) >= 0
    assert auth.token == again.token  # same seed, same token
    assert first.authorization_by_token(auth.token) is auth
    assert auth.scopes == ("repo",)  # one scope may be given as a string
    assert auth.note_url == "http://example.com/why"
    assert auth.client_id is None


def test_the_demo_scenario_loads() -> None:
    store = Store()

    loaded = load_scenario(store, DEMO_SCENARIO)

    assert DEMO_SCENARIO.name == "demo.yaml" and DEMO_SCENARIO.is_file()
    assert validate_scenario(DEMO_SCENARIO) == []
    assert {u.login for u in loaded.users} >= {"octocat", "hubot", "monalisa"}
    monalisa = store.user("monalisa")
    assert monalisa.two_factor.type == "sms"
    assert totp.check_secret(monalisa.two_factor.secret) is None
    assert len(monalisa.two_factor.secret) == 32
    assert any(auth.personal and auth.note for auth in loaded.authorizations)
    assert any(not auth.personal and auth.fingerprint for auth in loaded.authorizations)


def test_a_mapping_loads_too() -> None:
    store = Store()
    scenario = {
        "users": [{"login": "alice", "password": "pw", "site_admin": True}],
        "authorizations": [{"user": "alice", "note": "ci", "scopes": ["repo", "gist"]}],
    }

    loaded = load_scenario(store, scenario)

    assert store.user("alice").site_admin is True
    assert loaded.authorizations[0].scopes == ("repo", "gist")


def test_problems_in_a_mapping_have_no_line() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(Store(), {"users": [{"login": "alice"}], "extra": 1})

    assert caught.value.problems == [
        Problem(
            "<scenario>",
            None,
            "extra",
            "unknown key; expected one of: version, users, oauth_apps, authorizations",
        ),
        Problem("<scenario>", None, "users[0].password", "required key is missing"),
    ]
    assert str(caught.value.problems[1]) == "<scenario>: users[0].password: required key is missing"


def test_yaml_text_is_named_by_the_given_filename() -> None:
    scenario = parse_scenario_text("users:\n  - login: alice\n", "inline.yaml")

    assert validate_scenario(scenario) == [
        Problem("inline.yaml", 2, "users[0].password", "required key is missing")
    ]
    assert load_scenario(Store(), parse_scenario_text("users: []\n")) == Loaded((), (), ())


def test_tokens_may_use_users_and_apps_already_in_the_store(in_tmp: Path) -> None:
    store = seeded_store()

    loaded = load_scenario(
        store,
        write(f"""
            authorizations:
              - user: ALICE
                app: {APP_ID}
                fingerprint: another
        """),
    )

    assert loaded.authorizations[0].user_id == store.user("alice").id
    assert len(store.authorizations()) == 3


def test_anchors_and_merge_keys_work(in_tmp: Path) -> None:
    store = Store()

    load_scenario(
        store,
        write("""
            users:
              - &base
                login: alice
                password: shared-pass
              - <<: *base
                login: bob
        """),
    )

    assert [(u.login, u.password) for u in store.users()] == [
        ("alice", "shared-pass"),
        ("bob", "shared-pass"),
    ]


def test_merge_lists_keep_yaml_precedence(in_tmp: Path) -> None:
    # Own keys win over merged ones, and an earlier mapping in the list over a later one.
    store = Store()

    load_scenario(
        store,
        write("""
            users:
              - &alice {login: alice, password: alice-pass, name: Alice}
              - &root {login: root, password: root-pass, site_admin: true}
              - <<: [*root, *alice]
                login: carol
        """),
    )

    carol = store.user("carol")
    assert (carol.password, carol.site_admin, carol.name) == ("root-pass", True, "Alice")


# ---------------------------------------------------------------------------------- hostile input


def test_merge_key_bombs_are_refused_quickly(in_tmp: Path) -> None:
    # Each level merges the one before eight times, all inside the top mapping's merge list, so
    # PyYAML's flatten_mapping would build 8**7 pairs (over a second, 100+ MB) from 421 bytes
    # before a single node is converted; three more levels and it is minutes and gigabytes.
    lines = ["<<:", "  - &l0 {login: a, password: b}"]
    for level in range(1, 8):
        lines.append(f"  - &l{level} {{<<: [{', '.join([f'*l{level - 1}'] * 8)}]}}")
    text = "\n".join(lines) + "\n"
    assert len(text) < 500

    started = time.perf_counter()
    found = validate_scenario(write(text))
    elapsed = time.perf_counter() - started

    assert [str(problem) for problem in found] == [
        "s.yaml:7: (document): the document expands to more than 100000 nodes"
    ]
    assert elapsed < 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # flow style, as deep as the reviewer's 5000 levels
        ("users: " + "[" * 5000 + "]" * 5000 + "\n", "s.yaml:1: (document): nested too deeply"),
        # block style: the line where it gets too deep
        (
            "users:\n" + "".join("  " * depth + "-\n" for depth in range(1, 300)),
            "s.yaml:101: (document): nested too deeply",
        ),
        # aliases nest deeper than the text: each list holds the one before
        (
            "a0: &a0 [1]\n" + "".join(f"a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, 500)),
            "s.yaml:99: (document): nested too deeply",  # the alias that nests too deep
        ),
        ("users: &me [*me]\n", "s.yaml:1: (document): nested too deeply"),
        ("users:\n  - &me {login: a, <<: *me}\n", "s.yaml:2: (document): a mapping merges (<<)"),
    ],
    ids=["flow", "block", "alias-chain", "self-alias", "self-merge"],
)
def test_too_deep_documents_are_a_problem_not_a_crash(
    in_tmp: Path, text: str, expected: str
) -> None:
    found = validate_scenario(write(text))

    assert len(found) == 1
    assert str(found[0]).startswith(expected)
    with pytest.raises(ScenarioError):
        load_scenario(Store(), "s.yaml")
