"""The fake's state and every change to it, behind one lock.

No HTTP and no YAML here: handlers parse requests into plain arguments, call a verb, and
serialise what comes back. Every verb validates everything before it changes anything, so a
rejected call leaves the state as it was.
"""

from __future__ import annotations

import bisect
import hmac
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, NamedTuple

from . import journal as j
from . import scopes as scope_rules
from . import totp
from .clock import Clock
from .errors import (
    UPDATE_DOCS,
    BadCredentials,
    GHEError,
    InvalidApp,
    LoginLocked,
    NotFound,
    RateLimited,
    ValidationFailed,
    field_error,
)
from .model import (
    PERSONAL_CLIENT_ID,
    TWO_FACTOR_TYPES,
    Authorization,
    Grant,
    OAuthApp,
    TwoFactor,
    User,
)
from .tokens import TokenSource, hash_token

# Defaults for the failed-login lockout. GHE documents the lockout but not its numbers.
# [decision: 10 failures within an hour lock the login for an hour; configurable]
LOCKOUT_THRESHOLD = 10
LOCKOUT_WINDOW = timedelta(hours=1)

_UNSET: Any = object()


class RateLimit(NamedTuple):
    """A user's rate-limit budget: what X-RateLimit-Limit/Remaining/Reset report."""

    limit: int
    remaining: int
    reset_at: datetime


class SeedError(ValueError):
    """Seeding data (from Python or a scenario) that the fake cannot hold."""


def secrets_equal(given: str, expected: str) -> bool:
    """Constant-time comparison, so response timing does not leak how much of a secret matched."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Store:
    """Users, OAuth apps, authorizations and grants of one fake GHE.

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
        self._settings = {
            "lockout_threshold": lockout_threshold,
            "lockout_window": lockout_window,
            # How many 30 s steps either side of now a TOTP code may be from (0: only now's).
            "otp_window": otp_window,
        }
        self.journal = j.Journal()
        self.reset()

    # ------------------------------------------------------------------ state as a whole

    def reset(self) -> None:
        """Forget everything: ids start from 1 again and a seeded token sequence restarts.

        The lockout and TOTP settings go back to what the constructor was given.
        """
        with self.lock:
            self.lockout_threshold: int = self._settings["lockout_threshold"]
            self.lockout_window: timedelta = self._settings["lockout_window"]
            self.otp_window: int = self._settings["otp_window"]
            self._tokens = TokenSource(self.seed)
            self._last_id = {"user": 0, "app": 0, "authorization": 0, "grant": 0}
            self._users: dict[int, User] = {}
            self._users_by_login: dict[str, User] = {}
            self._apps: dict[str, OAuthApp] = {}
            self._auths: dict[int, Authorization] = {}
            self._auths_by_hash: dict[str, Authorization] = {}
            # user id -> application group -> ascending authorization ids (the list order)
            self._user_groups: dict[int, dict[str, list[int]]] = {}
            # (user id, group, fingerprint or None) -> ascending authorization ids
            self._fingerprints: dict[tuple[int, str, str | None], list[int]] = {}
            # (user id, note) -> id of the personal token carrying that note
            self._personal_notes: dict[tuple[int, str], int] = {}
            self._grants: dict[int, Grant] = {}
            self._user_grants: dict[int, dict[str, Grant]] = {}
            self.sms_codes: dict[str, list[str]] = {}
            self._rate_limit: int | None = None
            self._rate_window = timedelta(hours=1)
            self._rate_buckets: dict[int, tuple[int, datetime]] = {}
            self.journal.clear()

    def checkpoint(self) -> Callable[[], None]:
        """A function that puts the whole state back as it is now, in place (objects that
        callers hold stay the live ones). For loads that must be all-or-nothing."""
        from .rollback import Snapshot

        with self.lock:
            return Snapshot(self, shared=("lock", "clock")).restore

    def _next_id(self, kind: str) -> int:
        self._last_id[kind] += 1
        return self._last_id[kind]

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        login: str,
        password: str,
        *,
        site_admin: bool = False,
        name: str | None = None,
        email: str | None = None,
        two_factor: TwoFactor | Mapping[str, str] | None = None,
    ) -> User:
        """Add a user who signs in with ``login:password`` (and a TOTP code if ``two_factor``)."""
        if not isinstance(login, str) or not login.strip():
            raise SeedError("login must be a non-empty string")
        if not isinstance(password, str) or not password:
            raise SeedError(f"user {login!r}: password must be a non-empty string")
        factor = _two_factor(login, two_factor)
        with self.lock:
            if login.lower() in self._users_by_login:
                raise SeedError(f"user {login!r} already exists")
            now = self.clock.now()
            user = User(
                id=self._next_id("user"),
                login=login,
                password=password,
                site_admin=bool(site_admin),
                name=name,
                email=email,
                two_factor=factor,
                created_at=now,
            )
            self._users[user.id] = user
            self._users_by_login[login.lower()] = user
            return user

    def add_app(
        self,
        name: str,
        url: str | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> OAuthApp:
        """Register an OAuth app; client_id (20 hex) and client_secret (40 hex) made if absent."""
        if not isinstance(name, str) or not name.strip():
            raise SeedError("app name must be a non-empty string")
        with self.lock:
            client_id = client_id or self._tokens.new()[:20]
            client_secret = client_secret or self._tokens.new()
            if client_id == PERSONAL_CLIENT_ID:
                raise SeedError(f"client_id {client_id!r} is reserved for personal access tokens")
            if client_id in self._apps:
                raise SeedError(f"an app with client_id {client_id!r} already exists")
            app = OAuthApp(
                id=self._next_id("app"),
                name=name,
                url=url or f"https://example.com/{name.replace(' ', '-')}",
                client_id=client_id,
                client_secret=client_secret,
                created_at=self.clock.now(),
            )
            self._apps[client_id] = app
            return app

    def add_authorization(
        self,
        user: User | str,
        app: OAuthApp | str | None = None,
        *,
        scopes: Iterable[str] | str = (),
        note: str | None = None,
        note_url: str | None = None,
        fingerprint: str | None = None,
        token: str | None = None,
        actor: str = "seed",
    ) -> Authorization:
        """Create a token directly, under the same rules as ``POST /authorizations``."""
        with self.lock:
            owner = self._seed_user(user)
            oauth_app = self._seed_app(app)
            if token is not None:
                if not isinstance(token, str) or not token or token != token.strip():
                    raise SeedError("token must be a non-empty string without surrounding spaces")
                if hash_token(token) in self._auths_by_hash:
                    raise SeedError(f"token ...{token[-8:]} is already in use")
            try:
                return self._create(
                    owner, oauth_app, _scope_list(scopes), note, note_url, fingerprint, actor, token
                )
            except GHEError as error:
                raise SeedError(_describe(error)) from None

    def _seed_user(self, user: User | str) -> User:
        login = user.login if isinstance(user, User) else user
        found = self._users_by_login.get(str(login).lower())
        if found is None:
            raise SeedError(f"no user {login!r}")
        return found

    def _seed_app(self, app: OAuthApp | str | None) -> OAuthApp | None:
        if app is None:
            return None
        client_id = app.client_id if isinstance(app, OAuthApp) else app
        found = self._apps.get(client_id)
        if found is None:
            raise SeedError(f"no OAuth app with client_id {client_id!r}")
        return found

    # ------------------------------------------------------------------ lookups

    def user(self, login: str) -> User | None:
        """The user with ``login``, matched case-insensitively as GitHub logins are."""
        with self.lock:
            return self._users_by_login.get(login.lower())

    def user_by_id(self, user_id: int) -> User | None:
        with self.lock:
            return self._users.get(user_id)

    def app(self, client_id: str) -> OAuthApp | None:
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

    def apps(self) -> list[OAuthApp]:
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

    # ------------------------------------------------------------------ signing in

    def check_password(self, user: User, password: str) -> bool:
        return secrets_equal(password, user.password)

    def ensure_not_locked(self, user: User) -> None:
        """Raise the lockout error while ``user`` is locked out, whatever password was given."""
        with self.lock:
            if user.locked_until is not None:
                if self.clock.now() < user.locked_until:
                    raise LoginLocked()
                user.locked_until = None

    def note_failed_login(self, user: User) -> None:
        """Count a wrong password; enough of them within the window lock the login."""
        with self.lock:
            now = self.clock.now()
            recent = [at for at in user.failed_logins if now - at < self.lockout_window]
            recent.append(now)
            if len(recent) >= self.lockout_threshold:
                user.locked_until = now + self.lockout_window
                recent = []
            user.failed_logins = recent

    def verify_otp(self, user: User, code: str) -> bool:
        assert user.two_factor is not None
        return totp.verify(user.two_factor.secret, code, self.clock.now(), self.otp_window)

    def otp(self, login: str) -> str:
        """A TOTP code valid now for ``login`` (what the user's authenticator would show)."""
        with self.lock:
            user = self._seed_user(login)
            if user.two_factor is None:
                raise SeedError(f"user {login!r} has no two-factor authentication")
            return totp.code_at(user.two_factor.secret, self.clock.now())

    def send_sms_code(self, user: User) -> str:
        """'Text' the current code to an SMS user; tests read it from ``sms_codes``."""
        with self.lock:
            self._live_user(user)
            code = self.otp(user.login)
            self.sms_codes.setdefault(user.login, []).append(code)
            return code

    def token_owner(self, token: str) -> tuple[User, Authorization] | None:
        """The user and authorization behind a live token, or None (revoked, reset or unknown)."""
        with self.lock:
            auth = self._auths_by_hash.get(hash_token(token))
            if auth is None:
                return None
            return self._users[auth.user_id], auth

    def authenticate_app(self, client_id: str, client_secret: str) -> OAuthApp | None:
        with self.lock:
            app = self._apps.get(client_id)
        # Compare even for an unknown app so its absence takes no less time.
        expected = app.client_secret if app else "\0" * 40
        if secrets_equal(client_secret, expected) and app is not None:
            return app
        return None

    # ------------------------------------------------------------------ rate limit

    def set_rate_limit(self, limit: int | None, window: timedelta = timedelta(hours=1)) -> None:
        """Turn rate limiting on (``limit`` requests per user per ``window``) or off (None)."""
        with self.lock:
            self._rate_limit = limit
            self._rate_window = window
            self._rate_buckets.clear()

    def exhaust_rate_limit(self, login: str | None = None) -> None:
        """Use up the limit of ``login`` (or of every user); turns limiting on if it was off."""
        with self.lock:
            users = [self._seed_user(login)] if login else list(self._users.values())
            if self._rate_limit is None:
                # GitHub's usual hourly budget for an authenticated user.
                self._rate_limit = 5000
            reset_at = self.clock.now() + self._rate_window
            for user in users:
                self._rate_buckets[user.id] = (0, reset_at)

    def consume_rate_limit(self, user: User) -> RateLimit | None:
        """Count a request of ``user``; where its budget stands after it, or None when
        limiting is off. Raises RateLimited when the budget was already spent."""
        with self.lock:
            if self._rate_limit is None:
                return None
            now = self.clock.now()
            remaining, reset_at = self._rate_buckets.get(user.id, (self._rate_limit, now))
            if now >= reset_at:
                remaining, reset_at = self._rate_limit, now + self._rate_window
            if remaining <= 0:
                raise RateLimited(user.id, RateLimit(self._rate_limit, 0, reset_at))
            self._rate_buckets[user.id] = (remaining - 1, reset_at)
            return RateLimit(self._rate_limit, remaining - 1, reset_at)

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
            return self._create(
                user, app, scopes or [], note, note_url, fingerprint, actor or user.login
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
            scope_list = self._valid_scopes(scopes or [])
            ids = self._fingerprints.get((user.id, app.client_id, fingerprint))
            if ids:
                return self._auths[ids[0]], False
            auth = self._create(
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
        """One page of the user's tokens, grouped by application, ascending id in a group.

        Costs O(groups + page): whole groups before the page are skipped by their length.
        """
        with self.lock:
            self._live_user(user)
            groups = self._user_groups.get(user.id, {})
            total = sum(len(ids) for ids in groups.values())
            skip, wanted = (page - 1) * per_page, per_page
            found: list[Authorization] = []
            for ids in groups.values():
                if wanted == 0:
                    break
                if skip >= len(ids):
                    skip -= len(ids)
                    continue
                chunk = ids[skip : skip + wanted]
                skip = 0
                wanted -= len(chunk)
                found.extend(self._auths[i] for i in chunk)
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
            given = [
                name
                for name, value in (
                    ("scopes", scopes),
                    ("add_scopes", add_scopes),
                    ("remove_scopes", remove_scopes),
                )
                if value is not _UNSET
            ]
            # The docs allow only one scope operation per request; the body is our choice.
            if len(given) > 1:
                raise ValidationFailed(
                    field_error(
                        "custom",
                        "scopes",
                        "Only one of scopes, add_scopes or remove_scopes may be given at a time",
                    ),
                    documentation_url=UPDATE_DOCS,
                )
            new_scopes = list(auth.scopes)
            if scopes is not _UNSET:
                new_scopes = self._valid_scopes(scopes, UPDATE_DOCS)
            elif add_scopes is not _UNSET:
                new_scopes = scope_rules.unique(
                    new_scopes + self._valid_scopes(add_scopes, UPDATE_DOCS)
                )
            elif remove_scopes is not _UNSET:
                dropped = set(self._valid_scopes(remove_scopes, UPDATE_DOCS))
                new_scopes = [scope for scope in new_scopes if scope not in dropped]
            new_note = auth.note if note is _UNSET else note
            if auth.personal and note is not _UNSET:
                self._check_personal_note(user, new_note, UPDATE_DOCS, ignore=auth.id)
            new_fingerprint = auth.fingerprint if fingerprint is _UNSET else fingerprint
            if new_fingerprint is not None and new_fingerprint != auth.fingerprint:
                self._check_fingerprint(user, auth.group, new_fingerprint, UPDATE_DOCS)

            # Everything is valid: apply.
            self._unindex_keys(auth)
            auth.scopes = new_scopes
            auth.note = new_note
            if note_url is not _UNSET:
                auth.note_url = note_url
            auth.fingerprint = new_fingerprint
            auth.updated_at = self.clock.now()
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
                raise NotFound()
            return grant

    def delete_grant(
        self, user: User, grant_id: int, *, actor: str | None = None
    ) -> list[Authorization]:
        """Revoke the grant: every token of that app for that user dies with it."""
        with self.lock:
            self._live_user(user)
            grant = self.get_grant(user, grant_id)
            return self._revoke_grant(grant, j.GRANT_DELETE, actor or user.login)

    # ------------------------------------------------------------------ as the OAuth app

    def app_token(self, app: OAuthApp, token: str) -> Authorization:
        """The app's own token; anything else (unknown, revoked, another app's) is 404."""
        with self.lock:
            self._live_app(app)
            auth = self._auths_by_hash.get(hash_token(token))
            if auth is None or auth.client_id != app.client_id:
                raise NotFound()
            return auth

    def reset_token(self, app: OAuthApp, token: str, *, actor: str | None = None) -> Authorization:
        """Rotate the token: same id and url, new value; the old one stops working at once."""
        with self.lock:
            auth = self.app_token(app, token)
            del self._auths_by_hash[auth.hashed_token]
            auth.token = self._new_token()
            auth.hashed_token = hash_token(auth.token)
            auth.updated_at = self.clock.now()
            self._auths_by_hash[auth.hashed_token] = auth
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

    # ------------------------------------------------------------------ internals

    def _live_user(self, user: User) -> None:
        """Refuse a User that is no longer this store's (a reset or replace came in between
        the request's authentication and this verb): its id may be someone else's now."""
        if self._users.get(user.id) is not user:
            raise BadCredentials()

    def _live_app(self, app: OAuthApp) -> None:
        if self._apps.get(app.client_id) is not app:
            raise NotFound()

    def _verified_app(self, client_id: str, client_secret: str) -> OAuthApp:
        app = self.authenticate_app(client_id, client_secret)
        if app is None:
            raise InvalidApp()
        return app

    def _valid_scopes(self, scopes: Iterable[str], docs: str | None = None) -> list[str]:
        wanted = scope_rules.unique(scopes)
        bad = scope_rules.invalid(wanted)
        if bad:
            error = field_error("custom", "scopes", f"scopes are invalid: {', '.join(bad)}")
            if docs:
                raise ValidationFailed(error, documentation_url=docs)
            raise ValidationFailed(error)
        return wanted

    def _check_personal_note(
        self, user: User, note: str | None, docs: str | None = None, ignore: int | None = None
    ) -> None:
        # A personal token's note is its name on the settings page: required and unique.
        # GHE reported both against the field "description". [GHE_BEHAVIOR: rec]
        kwargs = {"documentation_url": docs} if docs else {}
        if not note:
            raise ValidationFailed(field_error("missing_field", "description"), **kwargs)
        holder = self._personal_notes.get((user.id, note))
        if holder is not None and holder != ignore:
            raise ValidationFailed(field_error("already_exists", "description"), **kwargs)

    def _check_fingerprint(
        self, user: User, group: str, fingerprint: str, docs: str | None = None
    ) -> None:
        if self._fingerprints.get((user.id, group, fingerprint)):
            kwargs = {"documentation_url": docs} if docs else {}
            raise ValidationFailed(field_error("already_exists", "fingerprint"), **kwargs)

    def _create(
        self,
        user: User,
        app: OAuthApp | None,
        scopes: list[str],
        note: str | None,
        note_url: str | None,
        fingerprint: str | None,
        actor: str,
        token: str | None = None,
    ) -> Authorization:
        scope_list = self._valid_scopes(scopes)
        group = app.client_id if app else PERSONAL_CLIENT_ID
        if app is None:
            self._check_personal_note(user, note)
        if fingerprint is not None:
            self._check_fingerprint(user, group, fingerprint)

        now = self.clock.now()
        value = token if token is not None else self._new_token()
        auth = Authorization(
            id=self._next_id("authorization"),
            user_id=user.id,
            client_id=app.client_id if app else None,
            token=value,
            hashed_token=hash_token(value),
            scopes=scope_list,
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
                grants[app.client_id].updated_at = now
        self._record(j.CREATED, auth, None, actor)
        return auth

    def _new_token(self) -> str:
        while True:
            value = self._tokens.new()
            if hash_token(value) not in self._auths_by_hash:
                return value

    def _own(self, user: User, authorization_id: int) -> Authorization:
        auth = self._auths.get(authorization_id)
        # Another user's authorization answers exactly as a missing one does.
        if auth is None or auth.user_id != user.id:
            raise NotFound()
        return auth

    def _index_keys(self, auth: Authorization) -> None:
        bisect.insort(
            self._fingerprints.setdefault((auth.user_id, auth.group, auth.fingerprint), []), auth.id
        )
        if auth.personal and auth.note:
            self._personal_notes[(auth.user_id, auth.note)] = auth.id

    def _unindex_keys(self, auth: Authorization) -> None:
        key = (auth.user_id, auth.group, auth.fingerprint)
        _discard(self._fingerprints, key, auth.id)
        if auth.personal and auth.note:
            self._personal_notes.pop((auth.user_id, auth.note), None)

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
            grant.updated_at = self.clock.now()

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


def _scope_list(scopes: Iterable[str] | str) -> list[str]:
    return [scopes] if isinstance(scopes, str) else list(scopes)


def _two_factor(login: str, value: TwoFactor | Mapping[str, str] | None) -> TwoFactor | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        kind = value.get("type", "app")
        secret = value.get("totp_secret", value.get("secret"))
        value = TwoFactor(type=kind, secret=secret)  # type: ignore[arg-type]
    if value.type not in TWO_FACTOR_TYPES:
        raise SeedError(
            f"user {login!r}: two_factor type must be 'app' or 'sms', not {value.type!r}"
        )
    problem = totp.check_secret(value.secret)
    if problem:
        raise SeedError(f"user {login!r}: two_factor totp_secret {problem}")
    return value


def _describe(error: GHEError) -> str:
    """A GHEError in one line, for people seeding from Python or YAML."""
    if not error.errors:
        return error.message
    parts = []
    for item in error.errors:
        text = item.get("message") or f"{item.get('code')} on {item.get('field')}"
        parts.append(text)
    return f"{error.message}: {'; '.join(parts)}"
