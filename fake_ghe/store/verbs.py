"""What users and OAuth apps do to authorizations and grants through the API.

Every verb validates everything (with ``fake_ghe.rules``) before it changes anything, so a
rejected call leaves the state as it was.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from .. import journal as j
from .. import rules
from .. import scopes as scope_rules
from ..errors import FieldProblem, InvalidClient, InvalidInput, NotFound
from ..model import Authorization, Grant, OAuthApp, User
from ..tokens import hash_token
from .signin import SignIn

_UNSET: Any = object()


class AuthorizationVerbs(SignIn):
    # ------------------------------------------------------------ authorizations (as the user)

    def create_authorization(
        self,
        user: User,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        scopes: list[str] | None = None,
        note: str | None = None,
        note_url: str | None = None,
        fingerprint: str | None = None,
        actor: str | None = None,
    ) -> Authorization:
        """``POST /authorizations``: always creates (an app token with client credentials)."""
        with self.lock:
            self._live_user(user)
            app = None
            # Empty strings count as absent: clients send "" for "no app". [GHE_BEHAVIOR: client]
            if client_id or client_secret:
                app = self._verified_app(client_id or "", client_secret or "")
            scope_list = _valid_scopes(scopes or [])
            _raise_all(rules.length_problems(note=note, note_url=note_url, fingerprint=fingerprint))
            _raise(rules.note_problem(self, user.login, note) if app is None else None)
            if fingerprint is not None:
                cid = app.client_id if app else None
                _raise(rules.fingerprint_problem(self, user.login, cid, fingerprint))
            return self._insert_authorization(
                user, app, scope_list, note, note_url, fingerprint, actor or user.login
            )

    def get_or_create_authorization(
        self,
        user: User,
        client_id: str,
        *,
        client_secret: str | None,
        fingerprint: str | None = None,
        scopes: list[str] | None = None,
        note: str | None = None,
        note_url: str | None = None,
        actor: str | None = None,
    ) -> tuple[Authorization, bool]:
        """``PUT /authorizations/clients/...``: the (user, app, fingerprint) token, made if missing.

        Returns the authorization and whether it was created; atomic under the lock.
        """
        with self.lock:
            self._live_user(user)
            app = self._verified_app(client_id, client_secret or "")
            scope_list = _valid_scopes(scopes or [])
            ids = self._fingerprints.get((user.id, app.client_id, fingerprint))
            if ids:
                return self._auths[ids[0]], False
            _raise_all(rules.length_problems(note=note, note_url=note_url, fingerprint=fingerprint))
            auth = self._insert_authorization(
                user, app, scope_list, note, note_url, fingerprint, actor or user.login
            )
            return auth, True

    def get_authorization(self, user: User, authorization_id: int) -> Authorization:
        with self.lock:
            self._live_user(user)
            return self._own(user, authorization_id)

    def list_authorizations(
        self, user: User, page: int, per_page: int
    ) -> tuple[list[Authorization], int]:
        """One page of the user's tokens in GHE's order: personal tokens first, then one
        group per OAuth app (in the order the apps were registered), inside a group by
        fingerprint (null first), then id. [decision from recordings; see State._list_key]

        Costs O(groups + page): whole groups before the page are skipped by their length.
        """
        with self.lock:
            self._live_user(user)
            groups = self._listing.get(user.id, {})
            total = sum(len(items) for items in groups.values())
            skip, wanted = (page - 1) * per_page, per_page
            found: list[Authorization] = []
            for items in groups.values():
                if wanted == 0:
                    break
                if skip >= len(items):
                    skip -= len(items)
                    continue
                chunk = items[skip : skip + wanted]
                skip = 0
                wanted -= len(chunk)
                found.extend(self._auths[item[2]] for item in chunk)
            return found, total

    def update_authorization(
        self,
        user: User,
        authorization_id: int,
        *,
        scopes: list[str] = _UNSET,
        add_scopes: list[str] = _UNSET,
        remove_scopes: list[str] = _UNSET,
        note: str | None = _UNSET,
        note_url: str | None = _UNSET,
        fingerprint: str | None = _UNSET,
        actor: str | None = None,
    ) -> Authorization:
        """``PATCH /authorizations/{id}``: only the keys given change."""
        with self.lock:
            self._live_user(user)
            auth = self._own(user, authorization_id)
            operations = [v for v in (scopes, add_scopes, remove_scopes) if v is not _UNSET]
            # The docs allow only one scope operation per request; the body is our choice.
            if len(operations) > 1:
                message = "Only one of scopes, add_scopes or remove_scopes may be given at a time"
                raise InvalidInput(FieldProblem("scopes", "custom", message))
            new_scopes = list(auth.scopes)
            if scopes is not _UNSET:
                new_scopes = _valid_scopes(scopes)
            elif add_scopes is not _UNSET:
                new_scopes = scope_rules.unique(new_scopes + _valid_scopes(add_scopes))
            elif remove_scopes is not _UNSET:
                dropped = set(_valid_scopes(remove_scopes))
                new_scopes = [scope for scope in new_scopes if scope not in dropped]
            texts = {"note": note, "note_url": note_url, "fingerprint": fingerprint}
            given = {name: value for name, value in texts.items() if value is not _UNSET}
            _raise_all(rules.length_problems(**given))
            new_note = auth.note if note is _UNSET else note
            if auth.personal and note is not _UNSET and new_note != auth.note:
                _raise(rules.note_problem(self, user.login, new_note))
            new_fingerprint = auth.fingerprint if fingerprint is _UNSET else fingerprint
            if new_fingerprint is not None and new_fingerprint != auth.fingerprint:
                _raise(rules.fingerprint_problem(self, user.login, auth.client_id, new_fingerprint))

            # Everything is valid: apply.
            self._unindex_keys(auth)
            auth = self._replace_authorization(
                auth,
                scopes=tuple(new_scopes),
                note=new_note,
                note_url=auth.note_url if note_url is _UNSET else note_url,
                fingerprint=new_fingerprint,
                updated_at=self.clock.now(),
            )
            self._index_keys(auth)
            self._touch_grant(auth)
            self._record(j.UPDATED, auth, None, actor or user.login)
            return auth

    def delete_authorization(
        self, user: User, authorization_id: int, *, actor: str | None = None
    ) -> Authorization:
        with self.lock:
            self._live_user(user)
            auth = self._own(user, authorization_id)
            self._remove(auth, j.USER_DELETE, actor or user.login)
            return auth

    # ------------------------------------------------------------------ grants (as the user)

    def list_grants(self, user: User, page: int, per_page: int) -> tuple[list[Grant], int]:
        """One page of the user's grants, in the order they were made."""
        with self.lock:
            self._live_user(user)
            grants = self._user_grants.get(user.id, {})
            start = (page - 1) * per_page
            # islice refuses indices past sys.maxsize; a page that far out is simply empty.
            if start >= len(grants):
                return [], len(grants)
            return list(islice(grants.values(), start, start + per_page)), len(grants)

    def get_grant(self, user: User, grant_id: int) -> Grant:
        with self.lock:
            self._live_user(user)
            grant = self._grants.get(grant_id)
            # Another user's grant is indistinguishable from a missing one.
            if grant is None or grant.user_id != user.id:
                raise NotFound(f"no grant {grant_id} of {user.login!r}")
            return grant

    def delete_grant(
        self, user: User, grant_id: int, *, actor: str | None = None
    ) -> list[Authorization]:
        """Revoke the grant: every token of that app for that user dies with it."""
        with self.lock:
            grant = self.get_grant(user, grant_id)
            return self._revoke_grant(grant, j.GRANT_DELETE, actor or user.login)

    # ------------------------------------------------------------------ as the OAuth app

    def app_token(self, app: OAuthApp, token: str) -> Authorization:
        """The app's own token; anything else (unknown, revoked, another app's) is NotFound."""
        with self.lock:
            self._live_app(app)
            auth = self._auths_by_hash.get(hash_token(token))
            if auth is None or auth.client_id != app.client_id:
                raise NotFound(f"no token of app {app.client_id!r} ends in {token[-8:]!r}")
            return auth

    def reset_token(self, app: OAuthApp, token: str, *, actor: str | None = None) -> Authorization:
        """Rotate the token: same id and url, new value; the old one stops working at once."""
        with self.lock:
            auth = self.app_token(app, token)
            value = self._new_token()
            auth = self._replace_authorization(
                auth, token=value, hashed_token=hash_token(value), updated_at=self.clock.now()
            )
            self._touch_grant(auth)
            self._record(j.RESET, auth, j.APP_RESET, actor or f"app:{app.client_id}")
            return auth

    def revoke_token(self, app: OAuthApp, token: str, *, actor: str | None = None) -> Authorization:
        with self.lock:
            auth = self.app_token(app, token)
            self._remove(auth, j.APP_REVOKE, actor or f"app:{app.client_id}")
            return auth

    def revoke_grant_for_token(
        self, app: OAuthApp, token: str, *, actor: str | None = None
    ) -> list[Authorization]:
        """The app revokes its grant for the token's user: all that user's tokens of the app."""
        with self.lock:
            auth = self.app_token(app, token)
            grant = self._user_grants[auth.user_id][app.client_id]
            return self._revoke_grant(grant, j.APP_GRANT_REVOKE, actor or f"app:{app.client_id}")

    def _verified_app(self, client_id: str, client_secret: str) -> OAuthApp:
        app = self.authenticate_app(client_id, client_secret)
        if app is None:
            raise InvalidClient()
        return app


def _valid_scopes(scopes: list[str]) -> list[str]:
    wanted = scope_rules.unique(scopes)
    _raise(rules.scopes_problem(wanted))
    return wanted


def _raise(problem: FieldProblem | None) -> None:
    if problem is not None:
        raise InvalidInput(problem)


def _raise_all(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput(*problems)
