"""The store as ``fake_ghe.rules.World``: what already exists, for the rules' uniqueness checks
and references. Read-only; the callers hold the store's lock."""

from __future__ import annotations

from itertools import islice

from ..model import PERSONAL_CLIENT_ID, Authorization, OAuthApp, User
from ..tokens import hash_token


class WorldQueries:
    # The indexes these read; ``State.reset`` makes them.
    _users_by_login: dict[str, User]
    _apps: dict[str, OAuthApp]
    _apps_by_name: dict[str, list[str]]
    _auths_by_hash: dict[str, Authorization]
    _user_groups: dict[int, dict[str, list[int]]]
    _fingerprints: dict[tuple[int, str, str | None], list[int]]
    _personal_notes: dict[tuple[int, str], int]

    def login_taken(self, login: str) -> str | None:
        return "" if login.lower() in self._users_by_login else None

    def client_id_taken(self, client_id: str) -> str | None:
        return "" if client_id in self._apps else None

    def token_taken(self, token: str) -> str | None:
        return "" if hash_token(token) in self._auths_by_hash else None

    def note_taken(self, login: str, note: str) -> str | None:
        user = self._users_by_login.get(login.lower())
        return "" if user is not None and (user.id, note) in self._personal_notes else None

    def fingerprint_taken(self, login: str, group: str, fingerprint: str) -> str | None:
        user = self._users_by_login.get(login.lower())
        if user is None or not self._fingerprints.get((user.id, group, fingerprint)):
            return None
        return ""

    def personal_count(self, login: str) -> int:
        user = self._users_by_login.get(login.lower())
        groups = self._user_groups.get(user.id, {}) if user is not None else {}
        return len(groups.get(PERSONAL_CLIENT_ID, ()))

    def apps_named(self, name_or_client_id: str) -> list[str]:
        if name_or_client_id in self._apps:
            return [name_or_client_id]
        return list(self._apps_by_name.get(name_or_client_id, ()))

    def some_logins(self) -> list[str]:
        return [user.login for user in islice(self._users_by_login.values(), 11)]

    def some_client_ids(self) -> list[str]:
        return list(islice(self._apps, 11))
