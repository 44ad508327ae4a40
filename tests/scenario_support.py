"""What the scenario test modules share: a seeded store, its state as plain values, writing and
loading a scenario."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from textwrap import dedent

import pytest

from fake_ghe.clock import Clock
from fake_ghe.scenario import (
    ScenarioError,
    load_scenario,
)
from fake_ghe.store import Store

HERE = Path(__file__).parent / "scenarios"
EXAMPLE = HERE / "example.yaml"
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
APP_ID = "aaaaaaaaaaaaaaaaaaaa"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"


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
