"""Scenarios: users, OAuth apps and tokens from YAML (or a mapping) into a Store, all or nothing.

A scenario goes through three steps:

1. parse: YAML text becomes plain data plus the line of every key and list item (PyYAML's own
   constructor forgets lines and silently keeps the last of two equal keys, so we convert the
   composed node tree ourselves);
2. check: the whole document is validated, including references between its sections and
   conflicts with what the store already holds, and every problem is collected;
3. apply: only a document without problems reaches the store's seeding verbs, under the
   store's lock.

Problems name the file, the line and the key path (``users[1].two_factor.totp_secret``) so a
test author can go straight to the mistake.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ..describe import kind_of, shown
from ..errors import WrongType
from ..model import Authorization, OAuthApp, User
from ..rules import AuthorizationSpec
from ..store import Store
from .problems import DOCUMENT, NO_FILE, KeyPath, Problem, ScenarioError, format_path
from .reader import MAX_BYTES, MAX_DEPTH, MAX_NODES, UNREADABLE, Scenario, read_path, read_text

DEMO_SCENARIO: Path = Path(__file__).parent.parent / "demo.yaml"

VERSION = 1


class Loaded(NamedTuple):
    """What a scenario added to the store, in document order."""

    users: tuple[User, ...]
    apps: tuple[OAuthApp, ...]
    authorizations: tuple[Authorization, ...]


Source = str | os.PathLike[str] | Mapping[str, Any] | Scenario


# ---------------------------------------------------------------------------------- public API


def parse_scenario_text(text: str, filename: str = NO_FILE) -> Scenario:
    """Parse YAML (or JSON) ``text``; every mistake ends up in ``problems``, never raised."""
    return read_text(text, filename)


def read_scenario(source: Source) -> Scenario:
    """A scenario from a file path, a mapping, or an already parsed ``Scenario``."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return Scenario(NO_FILE, source, {})
    if isinstance(source, (str, os.PathLike)):
        return read_path(source)
    raise WrongType(f"a scenario is a path, a mapping or a Scenario, not {type(source).__name__}")


def validate_scenario(source: Source) -> list[Problem]:
    """Every problem of a scenario on its own (as if loaded into an empty store); [] if none."""
    from .checker import check

    return check(read_scenario(source), None)[1]


def load_scenario(store: Store, source: Source, *, replace: bool = False) -> Loaded:
    """Add a scenario's users, apps and tokens to ``store``, or raise ``ScenarioError``.

    All or nothing: the whole document is checked (against what the store holds, unless
    ``replace``) before anything is added, under one hold of the store's lock, so nothing can
    slip in between. With ``replace=True`` the store is reset first (only if the scenario is
    valid): ids restart and a seeded fake makes the same tokens again.
    """
    from .checker import check

    scenario = read_scenario(source)
    with store.lock:
        plan, problems = check(scenario, None if replace else store)
        if problems:
            raise ScenarioError(problems)
        if replace:
            store.reset()
        users = tuple(store.seed_user(spec) for spec in plan.users)
        apps: list[OAuthApp] = []
        client_ids: dict[str, str] = {}
        for key, spec in plan.apps:
            apps.append(store.seed_app(spec))
            client_ids[key] = apps[-1].client_id
        auths = tuple(
            store.seed_authorization(
                replace_client_id(spec, client_ids.get(spec.client_id or "", spec.client_id))
            )
            for spec in plan.authorizations
        )
        return Loaded(users, tuple(apps), auths)


def replace_client_id(spec: AuthorizationSpec, client_id: str | None) -> AuthorizationSpec:
    """A token of an app whose client_id was made up while seeding names it now."""
    return spec if client_id == spec.client_id else dataclasses.replace(spec, client_id=client_id)


__all__ = [
    "DEMO_SCENARIO",
    "DOCUMENT",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "NO_FILE",
    "UNREADABLE",
    "KeyPath",
    "Loaded",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Source",
    "format_path",
    "kind_of",
    "load_scenario",
    "parse_scenario_text",
    "read_scenario",
    "shown",
    "validate_scenario",
]
