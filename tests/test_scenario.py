"""Scenarios: the documented format loads, each mistake is reported where it is, all or nothing."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from textwrap import dedent

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
from fake_ghe.store import SeedError, Store
from fake_ghe.tokens import hash_token

HERE = Path(__file__).parent / "scenarios"
EXAMPLE = HERE / "example.yaml"
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
APP_ID = "aaaaaaaaaaaaaaaaaaaa"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so a scenario written there is named plainly ``s.yaml`` in messages."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(text: str, name: str = "s.yaml") -> str:
    Path(name).write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return name


def problems(text: str, store: Store | None = None, *, replace: bool = False) -> list[str]:
    """What loading ``text`` (as s.yaml) into ``store`` reports, one string per problem."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(store or Store(), write(text), replace=replace)
    error = caught.value
    assert str(error) == "\n".join(str(problem) for problem in error.problems)
    return [str(problem) for problem in error.problems]


def seeded_store() -> Store:
    """alice (with a personal token and an app token), the app APP_ID, a frozen clock."""
    store = Store(seed=99, clock=Clock(frozen_at=START))
    store.add_user("alice", "alice-pass")
    store.add_app("tool", client_id=APP_ID, client_secret="f" * 40)
    store.add_authorization("alice", None, scopes=["repo"], note="laptop", token=TOKEN)
    store.add_authorization("alice", APP_ID, scopes=["gist"], fingerprint="fp")
    return store


def state(store: Store) -> list:
    """Everything a failed load must leave alone, as plain values."""
    return [
        [(u.id, u.login, u.password, u.site_admin, u.two_factor) for u in store.users()],
        [(a.id, a.name, a.client_id, a.client_secret) for a in store.oauth_apps()],
        [
            (a.id, a.user_id, a.client_id, a.token, a.scopes, a.note, a.fingerprint, a.updated_at)
            for a in store.authorizations()
        ],
        [(g.id, g.user_id, g.client_id, g.updated_at) for g in store.grants()],
        list(store.journal.events),
    ]


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


# ---------------------------------------------------------------------------------- mistakes

CASES = {
    "unknown top-level key": (
        """
        version: 1
        user:
          - login: alice
        """,
        [
            "s.yaml:2: user: unknown key; expected one of:"
            " version, users, oauth_apps, authorizations"
        ],
    ),
    "unknown nested key": (
        """
        users:
          - login: alice
            password: pw
            admin: true
        """,
        [
            "s.yaml:4: users[0].admin: unknown key; expected one of: login, password, site_admin,"
            " name, email, two_factor"
        ],
    ),
    "required key missing": (
        """
        users:
          - login: alice
        oauth_apps:
          - client_id: aaaaaaaaaaaaaaaaaaaa
        """,
        [
            "s.yaml:2: users[0].password: required key is missing",
            "s.yaml:4: oauth_apps[0].name: required key is missing",
        ],
    ),
    "version other than 1": (
        "version: 2\n",
        ["s.yaml:1: version: unsupported version 2; this fake reads version 1"],
    ),
    "wrong types": (
        """
        users:
          - login: alice
            password: 1234
            site_admin: "yes"
          - login: false
            password: pw
        """,
        [
            "s.yaml:3: users[0].password: must be a string, not an int (quote it)",
            "s.yaml:4: users[0].site_admin: must be true or false, not a string",
            "s.yaml:5: users[1].login: must be a string, not the boolean false (quote it)",
        ],
    ),
    "sections that are not lists": (
        """
        users: alice
        authorizations:
          - user: alice
            note: n
            scopes: {repo: true}
        """,
        [
            "s.yaml:1: users: must be a list, not a string",
            "s.yaml:5: authorizations[0].scopes: must be a list of scopes or one scope,"
            " not a mapping",
        ],
    ),
    "login repeated, ignoring case": (
        """
        users:
          - login: alice
            password: pw
          - login: Alice
            password: pw
        """,
        ["s.yaml:4: users[1].login: user 'Alice' already exists (first at users[0], line 2)"],
    ),
    "client_id repeated or reserved": (
        """
        oauth_apps:
          - name: one
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: two
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: three
            client_id: "00000000000000000000"
        """,
        [
            "s.yaml:5: oauth_apps[1].client_id: an app with client_id 'aaaaaaaaaaaaaaaaaaaa'"
            " already exists (first at oauth_apps[0], line 2)",
            "s.yaml:7: oauth_apps[2].client_id: is reserved for personal access tokens",
        ],
    ),
    "token of a missing user or app": (
        """
        users:
          - login: alice
            password: pw
        oauth_apps:
          - name: tool
            client_id: aaaaaaaaaaaaaaaaaaaa
        authorizations:
          - user: bob
            app: aaaaaaaaaaaaaaaaaaaa
          - user: alice
            app: bbbbbbbbbbbbbbbbbbbb
        """,
        [
            "s.yaml:8: authorizations[0].user: no user 'bob'; known users: alice",
            "s.yaml:11: authorizations[1].app: no OAuth app with client_id or name"
            " 'bbbbbbbbbbbbbbbbbbbb'; known apps: aaaaaaaaaaaaaaaaaaaa",
        ],
    ),
    "bad two-factor settings": (
        """
        users:
          - login: short
            password: pw
            two_factor:
              type: sms
              totp_secret: ABCDEFGHABCDEFGH
          - login: robot
            password: pw
            two_factor:
              type: voice
              totp_secret: not-base-32!
          - login: other
            password: pw
            two_factor: {type: app}
        """,
        [
            "s.yaml:6: users[0].two_factor.totp_secret: " + totp.check_secret("ABCDEFGHABCDEFGH"),
            "s.yaml:10: users[1].two_factor.type: must be 'app' or 'sms', not 'voice'",
            "s.yaml:11: users[1].two_factor.totp_secret: " + totp.check_secret("not-base-32!"),
        ],
    ),
    "token value repeated": (
        f"""
        users:
          - login: alice
            password: pw
        authorizations:
          - user: alice
            note: one
            token: {TOKEN}
          - user: alice
            note: two
            token: {TOKEN}
        """,
        [
            "s.yaml:10: authorizations[1].token: token ...01234567 is already in use"
            " (first at authorizations[0], line 5)"
        ],
    ),
    "personal token with a repeated note": (
        """
        users:
          - login: alice
            password: pw
          - login: bob
            password: pw
        authorizations:
          - user: alice
            scopes: repo
          - user: alice
            note: laptop
          - user: bob
            note: laptop
          - user: ALICE
            note: laptop
        """,
        [
            "s.yaml:14: authorizations[3].note: 'ALICE' already has a personal token with this"
            " note (first at authorizations[1], line 9)",
        ],
    ),
    "fingerprint repeated for the same user and app": (
        """
        users:
          - login: alice
            password: pw
        oauth_apps:
          - name: tool
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: other
            client_id: bbbbbbbbbbbbbbbbbbbb
        authorizations:
          - user: alice
            app: aaaaaaaaaaaaaaaaaaaa
            fingerprint: laptop
          - user: alice
            app: bbbbbbbbbbbbbbbbbbbb
            fingerprint: laptop
          - user: alice
            app: aaaaaaaaaaaaaaaaaaaa
            fingerprint: laptop
        """,
        [
            "s.yaml:18: authorizations[2].fingerprint: 'alice' already has a token of this app"
            " with this fingerprint (first at authorizations[0], line 10)"
        ],
    ),
    "unknown scopes": (
        """
        users:
          - login: alice
            password: pw
        authorizations:
          - user: alice
            note: n
            scopes:
              - repo
              - write:everything
              - 7
          - user: alice
            note: m
            scopes: admin
        """,
        [
            "s.yaml:9: authorizations[0].scopes[1]: unknown OAuth scope 'write:everything'",
            "s.yaml:10: authorizations[0].scopes[2]: a scope must be a string, not int 7",
            "s.yaml:13: authorizations[1].scopes: unknown OAuth scope 'admin'",
        ],
    ),
    "YAML syntax error": (
        """
        users:
          - login: alice
            password: pw
           site_admin: true
        """,
        [
            "s.yaml:4: (document): invalid YAML: while parsing a block collection:"
            " did not find expected '-' indicator"  # libyaml's wording
        ],
    ),
    "a tag the safe loader refuses": (
        """
        users:
          - login: alice
            password: !!python/object/apply:os.system [echo hi]
        """,
        [
            "s.yaml:3: users[0].password: cannot read this value: could not determine a"
            " constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        ],
    ),
    "a date where a string belongs": (
        """
        users:
          - login: alice
            password: 2019-09-01
          - login: bob
            password: 2019-02-30
        """,
        [
            "s.yaml:3: users[0].password: must be a string, not a date (quote it)",
            "s.yaml:5: users[1].password: cannot read this value: day is out of range for month",
        ],
    ),
    "top level that is not a mapping": (
        """
        - login: alice
          password: pw
        """,
        ["s.yaml:1: (document): must be a mapping, not a list"],
    ),
    "empty document": (
        "# nothing here\n",
        ["s.yaml:1: (document): the document is empty; expected a mapping with users, ..."],
    ),
    "key repeated within one mapping": (
        """
        users:
          - login: alice
            password: one
            password: two
        users: []
        """,
        [
            "s.yaml:4: users[0].password: key repeated (first at line 3); YAML would keep only"
            " the last",
            "s.yaml:5: users: key repeated (first at line 1); YAML would keep only the last",
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_each_mistake_is_reported_at_its_line(in_tmp: Path, text: str, expected: list[str]) -> None:
    assert problems(text) == expected


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
