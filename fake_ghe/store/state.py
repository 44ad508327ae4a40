"""The store's state: records, the indexes over them, and the one lock.

Only this module changes the indexes; the verbs in the sibling modules validate first and then
call the ``_insert_*``/``_replace_*``/``_remove`` primitives here, so a rejected call changes
nothing. Records are immutable snapshots (``fake_ghe.model``): a change replaces the record in
every map that holds it (the other indexes hold ids and keys, never records), so what a test
was handed keeps its values and a lookup returns the current ones.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

from .. import journal as j
from .. import scopes as scope_rules
from .. import totp
from ..clock import Clock
from ..errors import BadCredentials, NotFound
from ..model import PERSONAL_CLIENT_ID, Authorization, Grant, OAuthApp, User
from ..tokens import TokenSource, hash_token
from .world import WorldQueries

# Defaults for the failed-login lockout. GHE documents the lockout but not its numbers.
# [decision: 10 failures within an hour lock the login for an hour; configurable]
LOCKOUT_THRESHOLD = 10
LOCKOUT_WINDOW = timedelta(hours=1)


class Incarnation:
    """One life of a store, from one reset to the next, as stamped on its users and apps."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Incarnation:
        # A deep copy of a handle is still a handle of this store's user or app.
        return self


class State(WorldQueries):
    """Users, OAuth apps, authorizations and grants of one fake GHE, indexed.

    Thread-safe: every public method takes ``lock`` (re-entrant, so callers may hold it
    across several calls to read a consistent picture).
    """

    def __init__(
        self,
        *,
        seed: int | str | None = None,
        clock: Clock | None = None,
        lockout_threshold: int = LOCKOUT_THRESHOLD,
        lockout_window: timedelta = LOCKOUT_WINDOW,
        otp_window: int = totp.VALID_WINDOW,
    ) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.clock = clock or Clock()
        # What reset() returns to: a test that tightens the lockout or the TOTP tolerance
        # must not leave it tightened for the next one (the plugin reuses stores).
        self.lockout_threshold = self._lockout_threshold = lockout_threshold
        self.lockout_window = self._lockout_window = lockout_window
        # How many 30 s steps either side of now a TOTP code may be from (0: only now's).
        self.otp_window = self._otp_window = otp_window
        self.journal = j.Journal()
        self.reset()

    def reset(self) -> None:
        """Forget everything: ids start from 1 again and a seeded token sequence restarts.

        The lockout and TOTP settings go back to what the constructor was given.
        """
        with self.lock:
            self.lockout_threshold = self._lockout_threshold
            self.lockout_window = self._lockout_window
            self.otp_window = self._otp_window
            self._tokens = TokenSource(self.seed)
            # Stamped on every user and app made from now on (see model._origin_field).
            self._origin = Incarnation()
            self._last_id = {"user": 0, "app": 0, "authorization": 0, "grant": 0}
            self._users: dict[int, User] = {}
            self._users_by_login: dict[str, User] = {}
            self._apps: dict[str, OAuthApp] = {}
            self._apps_by_name: dict[str, list[str]] = {}
            self._auths: dict[int, Authorization] = {}
            self._auths_by_hash: dict[str, Authorization] = {}
            # user id -> application group -> ascending authorization ids (the list order)
            self._user_groups: dict[int, dict[str, list[int]]] = {}
            # user id -> list key of a group -> the group's list keys of its tokens, both in
            # the order GET /authorizations lists them (see _list_key)
            self._listing: dict[int, dict[tuple[int, int], list[tuple[int, str, int]]]] = {}
            # (user id, group, fingerprint or None) -> ascending authorization ids
            self._fingerprints: dict[tuple[int, str, str | None], list[int]] = {}
            # (user id, note) -> id of the personal token carrying that note
            self._personal_notes: dict[tuple[int, str], int] = {}
            self._grants: dict[int, Grant] = {}
            self._user_grants: dict[int, dict[str, Grant]] = {}
            self.sms_codes: dict[str, list[str]] = {}
            self._reset_extras()
            self.journal.clear(self.clock.now())

    def _reset_extras(self) -> None:
        """Where the sibling modules (rate limit) forget their own state."""

    # ------------------------------------------------------------------ lookups

    def user(self, login: str) -> User | None:
        """The user with ``login``, matched case-insensitively as GitHub logins are."""
        with self.lock:
            return self._users_by_login.get(login.lower())

    def user_by_id(self, user_id: int) -> User | None:
        with self.lock:
            return self._users.get(user_id)

    def oauth_app(self, client_id: str) -> OAuthApp | None:
        """The OAuth app with ``client_id``."""
        with self.lock:
            return self._apps.get(client_id)

    def authorization(self, authorization_id: int) -> Authorization | None:
        with self.lock:
            return self._auths.get(authorization_id)

    def authorization_by_token(self, token: str) -> Authorization | None:
        with self.lock:
            return self._auths_by_hash.get(hash_token(token))

    def users(self) -> list[User]:
        with self.lock:
            return list(self._users.values())

    def oauth_apps(self) -> list[OAuthApp]:
        with self.lock:
            return list(self._apps.values())

    def authorizations(self) -> list[Authorization]:
        with self.lock:
            return sorted(self._auths.values(), key=lambda auth: auth.id)

    def grants(self) -> list[Grant]:
        with self.lock:
            return sorted(self._grants.values(), key=lambda grant: grant.id)

    def grant(self, grant_id: int) -> Grant | None:
        with self.lock:
            return self._grants.get(grant_id)

    def grant_for(self, auth: Authorization) -> Grant | None:
        """The grant an app token belongs to (None for a personal access token)."""
        with self.lock:
            if auth.client_id is None:
                return None
            return self._user_grants.get(auth.user_id, {}).get(auth.client_id)

    def grant_scopes(self, grant: Grant) -> list[str]:
        """The union of the scopes of that app's tokens for that user, oldest token first."""
        with self.lock:
            ids = self._user_groups.get(grant.user_id, {}).get(grant.client_id, [])
            return scope_rules.unique(s for i in ids for s in self._auths[i].scopes)

    # ------------------------------------------------------------------ primitives

    def _next_id(self, kind: str) -> int:
        self._last_id[kind] += 1
        return self._last_id[kind]

    def _new_token(self) -> str:
        while True:
            value = self._tokens.new()
            if hash_token(value) not in self._auths_by_hash:
                return value

    def _insert_user(self, user: User) -> User:
        self._users[user.id] = user
        self._users_by_login[user.login.lower()] = user
        return user

    def _insert_app(self, app: OAuthApp) -> OAuthApp:
        self._apps[app.client_id] = app
        self._apps_by_name.setdefault(app.name, []).append(app.client_id)
        return app

    def _insert_authorization(
        self,
        user: User,
        app: OAuthApp | None,
        scopes: list[str],
        note: str | None,
        note_url: str | None,
        fingerprint: str | None,
        actor: str,
        token: str | None = None,
        cause: str | None = None,
    ) -> Authorization:
        """Add a token whose fields were validated; makes or touches the app's grant."""
        now = self.clock.now()
        value = token if token is not None else self._new_token()
        group = app.client_id if app else PERSONAL_CLIENT_ID
        auth = Authorization(
            id=self._next_id("authorization"),
            user_id=user.id,
            client_id=app.client_id if app else None,
            token=value,
            hashed_token=hash_token(value),
            scopes=tuple(scopes),
            note=note,
            note_url=note_url,
            fingerprint=fingerprint,
            created_at=now,
            updated_at=now,
        )
        self._auths[auth.id] = auth
        self._auths_by_hash[auth.hashed_token] = auth
        self._user_groups.setdefault(user.id, {}).setdefault(group, []).append(auth.id)
        self._index_keys(auth)
        if app is not None:
            grants = self._user_grants.setdefault(user.id, {})
            if app.client_id not in grants:
                grant = Grant(
                    id=self._next_id("grant"),
                    user_id=user.id,
                    client_id=app.client_id,
                    created_at=now,
                    updated_at=now,
                )
                grants[app.client_id] = grant
                self._grants[grant.id] = grant
            else:
                self._replace_grant(grants[app.client_id], updated_at=now)
        self._record(j.CREATED, auth, cause, actor)
        return auth

    def _live_user(self, user: User) -> User:
        """The current record of ``user`` (a snapshot, perhaps older). Refuse a User that is
        not of this store's incarnation (a reset or replace came in between the request's
        authentication and this verb, or another store made it): its id may be someone
        else's now."""
        if not self._is_current(user):
            raise BadCredentials()
        return self._users[user.id]

    def _is_current(self, user: User) -> bool:
        """Whether ``user`` is of this store's incarnation (see ``_live_user``)."""
        live = self._users.get(user.id)
        return live is not None and live._origin is user._origin

    def _live_app(self, app: OAuthApp) -> OAuthApp:
        """The current record of ``app``; NotFound for an app of another incarnation."""
        live = self._apps.get(app.client_id)
        if live is None or live._origin is not app._origin:
            raise NotFound(f"no OAuth app with client_id {app.client_id!r}")
        return live

    def _replace_app(self, app: OAuthApp, **changes: Any) -> OAuthApp:
        # Not for a new name or client_id: _apps_by_name would have to follow.
        new = replace(app, **changes)
        self._apps[new.client_id] = new
        return new

    def _replace_authorization(self, auth: Authorization, **changes: Any) -> Authorization:
        """Put a changed copy of ``auth`` where it was (a new token value re-indexed too);
        the list keys are the caller's to move (``_unindex_keys`` / ``_index_keys``)."""
        new = replace(auth, **changes)
        self._auths[new.id] = new
        if new.hashed_token != auth.hashed_token:
            del self._auths_by_hash[auth.hashed_token]
        self._auths_by_hash[new.hashed_token] = new
        return new

    def _replace_grant(self, grant: Grant, **changes: Any) -> Grant:
        new = replace(grant, **changes)
        self._grants[new.id] = new
        self._user_grants[new.user_id][new.client_id] = new
        return new

    def _own(self, user: User, authorization_id: int) -> Authorization:
        auth = self._auths.get(authorization_id)
        # Another user's authorization answers exactly as a missing one does.
        if auth is None or auth.user_id != user.id:
            raise NotFound(f"no authorization {authorization_id} of {user.login!r}")
        return auth

    def _index_keys(self, auth: Authorization) -> None:
        bisect.insort(
            self._fingerprints.setdefault((auth.user_id, auth.group, auth.fingerprint), []), auth.id
        )
        if auth.personal and auth.note:
            self._personal_notes[(auth.user_id, auth.note)] = auth.id
        group_key, item_key = self._list_key(auth)
        groups = self._listing.setdefault(auth.user_id, {})
        if group_key not in groups:
            groups[group_key] = []
            if len(groups) > 1 and group_key < max(groups):
                # A new group among older ones: put the groups back in order (few per user).
                self._listing[auth.user_id] = dict(sorted(groups.items()))
                groups = self._listing[auth.user_id]
        bisect.insort(groups[group_key], item_key)

    def _unindex_keys(self, auth: Authorization) -> None:
        key = (auth.user_id, auth.group, auth.fingerprint)
        _discard(self._fingerprints, key, auth.id)
        if auth.personal and auth.note:
            self._personal_notes.pop((auth.user_id, auth.note), None)
        group_key, item_key = self._list_key(auth)
        groups = self._listing.get(auth.user_id, {})
        items = groups.get(group_key, [])
        at = bisect.bisect_left(items, item_key)
        if at < len(items) and items[at] == item_key:
            del items[at]
        if not items:
            groups.pop(group_key, None)
        if not groups:
            self._listing.pop(auth.user_id, None)

    def _list_key(self, auth: Authorization) -> tuple[tuple[int, int], tuple[int, str, int]]:
        """Where GET /authorizations lists a token: its group, then its place in the group.

        [decision, from the three recorded lists] ORDER BY application, fingerprint, id:
        personal tokens first (GitHub's application id 0), then one group per OAuth app in the
        order the apps were registered (app ids; not recorded, assumed), inside a group by
        fingerprint with null first (MySQL's NULL order), then by id. OKRB18 lists its
        personal tokens first and the Octokit tokens in fingerprint order while their ids are
        not ascending; HUB4J and ZH19 order app groups neither by lowest token id nor by name.
        """
        app = self._apps.get(auth.client_id) if auth.client_id else None
        group_key = (1, app.id) if app is not None else (0, 0)
        if auth.fingerprint is None:
            return group_key, (0, "", auth.id)
        return group_key, (1, auth.fingerprint, auth.id)

    def _remove(self, auth: Authorization, cause: str, actor: str) -> None:
        del self._auths[auth.id]
        del self._auths_by_hash[auth.hashed_token]
        self._unindex_keys(auth)
        groups = self._user_groups[auth.user_id]
        _discard(groups, auth.group, auth.id)
        if not groups:
            del self._user_groups[auth.user_id]
        if auth.client_id is not None:
            if auth.client_id in groups:
                self._touch_grant(auth)
            else:
                # The last token of an app is gone, so is the grant: the settings page
                # ("Authorized OAuth Apps") no longer lists the app. [decision]
                grant = self._user_grants[auth.user_id].pop(auth.client_id)
                del self._grants[grant.id]
                if not self._user_grants[auth.user_id]:
                    del self._user_grants[auth.user_id]
        self._record(j.REVOKED, auth, cause, actor)

    def _revoke_grant(self, grant: Grant, cause: str, actor: str) -> list[Authorization]:
        ids = list(self._user_groups.get(grant.user_id, {}).get(grant.client_id, []))
        revoked = [self._auths[i] for i in ids]
        for auth in revoked:
            self._remove(auth, cause, actor)
        return revoked

    def _touch_grant(self, auth: Authorization) -> None:
        grant = self.grant_for(auth)
        if grant is not None:
            self._replace_grant(grant, updated_at=self.clock.now())

    def _record(self, kind: str, auth: Authorization, cause: str | None, actor: str) -> None:
        app = self._apps.get(auth.client_id) if auth.client_id else None
        self.journal.event(
            at=self.clock.now(),
            kind=kind,
            authorization_id=auth.id,
            user=self._users[auth.user_id].login,
            client_id=auth.client_id,
            app_name=app.name if app else None,
            token_last_eight=auth.token_last_eight,
            hashed_token=auth.hashed_token,
            cause=cause,
            actor=actor,
        )


def _discard(index: dict[Any, list[int]], key: Any, value: int) -> None:
    """Remove ``value`` from the sorted list at ``index[key]``, dropping the key when it empties."""
    ids = index.get(key)
    if not ids:
        return
    at = bisect.bisect_left(ids, value)
    if at < len(ids) and ids[at] == value:
        del ids[at]
    if not ids:
        del index[key]
