"""Property: any scenario, valid or broken, YAML or JSON, either loads fully or is refused with
problems that say where (``file:line``) and leaves the store exactly as it was. Never an
exception, never a 500 from the admin API."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_ghe import Config, Store, create_app
from fake_ghe.scenario import DOCUMENT, ScenarioError, load_scenario, parse_scenario_text

FILE = "gen.yaml"
GOOD_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
LOGINS = ["alice", "Alice", "bob", "zoë", "", " x", "a:b", "held"]
CLIENT_IDS = [
    "aaaaaaaaaaaaaaaaaaaa",
    "bbbbbbbbbbbbbbbbbbbb",
    "short",
    "0" * 20,
    "cccccccccccccccccccc",
]
TOKENS = ["0123456789abcdef0123456789abcdef01234567", "f" * 40, "not-hex", "F" * 40]
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.just("x\ud800"),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, sometimes anything at all."""
    return st.one_of(value, value, value, ODD)


users = st.fixed_dictionaries(
    {"login": maybe(st.sampled_from(LOGINS)), "password": maybe(st.just("pw"))},
    optional={
        "site_admin": maybe(st.booleans()),
        "name": maybe(st.text(max_size=8)),
        "two_factor": maybe(
            st.one_of(
                st.sampled_from(["app", "sms", "voice"]),
                st.fixed_dictionaries(
                    {},
                    optional={
                        "type": st.sampled_from(["app", "sms"]),
                        "totp_secret": st.sampled_from([GOOD_SECRET, "x!"]),
                    },
                ),
            )
        ),
        "extra": st.integers(),
    },
)
apps = st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["tool", "ci", "tool"]))},
    optional={
        "client_id": maybe(st.sampled_from(CLIENT_IDS)),
        "client_secret": maybe(st.just("s3cret")),
        "url": maybe(st.sampled_from(["https://tool.example.com", "javascript:alert(1)"])),
    },
)
tokens = st.fixed_dictionaries(
    {"user": maybe(st.sampled_from(LOGINS))},
    optional={
        "app": maybe(st.sampled_from([*CLIENT_IDS, "tool", "ci"])),
        "scopes": maybe(
            st.one_of(
                st.sampled_from(["repo", "nope"]),
                st.lists(st.sampled_from(["repo", "gist", "nope"]), max_size=3),
            )
        ),
        "note": maybe(st.sampled_from(["laptop", "ci", "token 1"])),
        "fingerprint": maybe(st.sampled_from(["fp", "fp2"])),
        "token": maybe(st.sampled_from(TOKENS)),
    },
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "version": maybe(st.just(1)),
        "users": maybe(st.lists(users, max_size=4)),
        "oauth_apps": maybe(st.lists(apps, max_size=3)),
        "authorizations": maybe(st.lists(tokens, max_size=4)),
        "unknown": st.integers(),
    },
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """The document as YAML or JSON (tabs and all), sometimes damaged."""
    data = draw(documents)
    form = draw(st.sampled_from(["yaml", "json", "json-tabs"]))
    if form == "yaml":
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(data, indent="\t" if form == "json-tabs" else 2, ensure_ascii=False)
    damage = draw(st.sampled_from(["none", "none", "cut", "insert"]))
    if damage != "none" and text:
        at = draw(st.integers(0, len(text)))
        inserted = draw(
            st.sampled_from(["", "\t", ":", "&a ", "*a", "<<: *a\n", "[", "!!int ", "\\ud800"])
        )
        text = text[:at] + (inserted if damage == "insert" else "")
    return text


def held_store() -> Store:
    """A store that already holds what a scenario could clash with."""
    store = Store(seed=1)
    store.add_user("held", "pw")
    store.add_app("held app", client_id="cccccccccccccccccccc")
    store.add_authorization("held", "cccccccccccccccccccc", fingerprint="fp", token="f" * 40)
    store.add_authorization("held", note="laptop")
    return store


def state(store: Store) -> list[Any]:
    return [
        [(u.id, u.login, u.password, u.two_factor) for u in store.users()],
        [(a.id, a.name, a.client_id, a.client_secret, a.url) for a in store.oauth_apps()],
        [(a.id, a.user_id, a.client_id, a.token, a.scopes, a.note) for a in store.authorizations()],
        [(g.id, g.client_id, g.updated_at) for g in store.grants()],
        list(store.journal.events),
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_a_scenario_loads_fully_or_changes_nothing(text: str) -> None:
    store = held_store()
    before = state(store)
    counts = (len(store.users()), len(store.oauth_apps()), len(store.authorizations()))

    parsed = parse_scenario_text(text, FILE)
    try:
        loaded = load_scenario(store, parsed)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith(f"{FILE}:" if problem.line else f"{FILE}: ")
            # Only problems with the document as a whole may lack a line.
            assert problem.line is not None or problem.path == DOCUMENT, str(problem)
        assert state(store) == before
        return
    assert (len(store.users()), len(store.oauth_apps()), len(store.authorizations())) == (
        counts[0] + len(loaded.users),
        counts[1] + len(loaded.apps),
        counts[2] + len(loaded.authorizations),
    )
    data = parsed.data or {}
    for section, made in (("users", loaded.users), ("oauth_apps", loaded.apps)):
        assert len(made) == len(data.get(section) or [])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_the_admin_api_answers_any_scenario_with_200_or_422(text: str) -> None:
    app = create_app(held_store(), Config())
    with app.test_client() as client:
        answer = client.post("/_fake_ghe/scenario", data=text.encode("utf-8", "surrogatepass"))
        assert answer.status_code in (200, 422), answer.get_data(as_text=True)
        assert client.get("/_fake_ghe/state").status_code == 200
        assert client.get("/_fake_ghe/").status_code == 200
