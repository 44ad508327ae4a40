"""Signing in: passwords, the failed-login lockout, TOTP codes and texted codes, app secrets."""

from __future__ import annotations

import hmac
from datetime import datetime

from .. import totp
from ..errors import FieldProblem, InvalidInput, LoginLocked, NotFound
from ..model import Authorization, OAuthApp, User
from ..tokens import hash_token
from .state import State


def secrets_equal(given: str, expected: str) -> bool:
    """Constant-time comparison, so response timing does not leak how much of a secret matched."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )


class _Attempts:
    """One login's failed sign-ins and lockout: the store's own bookkeeping, never part of a
    ``User`` handed to a test (a snapshot must not change while a client mistypes)."""

    __slots__ = ("failed_logins", "locked_until")

    def __init__(self) -> None:
        self.failed_logins: list[datetime] = []
        self.locked_until: datetime | None = None


class SignIn(State):
    def _reset_extras(self) -> None:
        super()._reset_extras()
        # user id -> its attempts (made at its first failure)
        self._attempts: dict[int, _Attempts] = {}
        # A login no user holds: counted and locked exactly like a user's, so the answers
        # never tell an attacker which logins exist. [decision] login (lower case) -> its
        # attempts; bounded like the journals, oldest dropped.
        self._strangers: dict[str, _Attempts] = {}

    def check_password(self, user: User, password: str) -> bool:
        return secrets_equal(password, user.password)

    def ensure_not_locked(self, user: User) -> None:
        """Raise LoginLocked while ``user`` is locked out, whatever password was given."""
        with self.lock:
            attempts = self._attempts.get(user.id)
            if attempts is not None and self._is_current(user):
                self._check_lock(attempts)

    def note_failed_login(self, user: User) -> None:
        """Count a wrong password (or a wrong two-factor code); enough of them within the
        window lock the login."""
        with self.lock:
            # A user from before a reset counts against nobody: its id may be someone else's.
            if self._is_current(user):
                self._count_failure(self._attempts.setdefault(user.id, _Attempts()))

    def fail_unknown_login(self, login: str) -> None:
        """A sign-in as ``login``, which no user holds: LoginLocked if that login is locked
        out, else the attempt is counted like a wrong password (the caller then answers Bad
        credentials, as for a user)."""
        with self.lock:
            key = login.lower()
            stranger = self._strangers.pop(key, None) or _Attempts()
            self._strangers[key] = stranger  # newest last: the oldest go first
            while len(self._strangers) > self.journal.limit:
                del self._strangers[next(iter(self._strangers))]
            self._check_lock(stranger)
            self._count_failure(stranger)

    def failed_logins(self, login: str) -> tuple[datetime, ...]:
        """When ``login``'s recent failed sign-ins were (those still counting toward the
        lockout), oldest first; NotFound for a login no user holds."""
        with self.lock:
            attempts = self._attempts.get(self._known_user(login).id)
            if attempts is None:
                return ()
            now = self.clock.now()
            return tuple(at for at in attempts.failed_logins if now - at < self.lockout_window)

    def locked_until(self, login: str) -> datetime | None:
        """When ``login``'s lockout ends, or None when it is not locked out now; NotFound for
        a login no user holds."""
        with self.lock:
            attempts = self._attempts.get(self._known_user(login).id)
            until = attempts.locked_until if attempts else None
            return until if until is not None and self.clock.now() < until else None

    def _known_user(self, login: str) -> User:
        user = self._users_by_login.get(login.lower())
        if user is None:  # a lookup, not seeding: LookupError like every unknown name
            raise NotFound(f"no user {login!r}")
        return user

    def _check_lock(self, attempts: _Attempts) -> None:
        if attempts.locked_until is not None:
            if self.clock.now() < attempts.locked_until:
                raise LoginLocked()
            attempts.locked_until = None

    def _count_failure(self, attempts: _Attempts) -> None:
        now = self.clock.now()
        recent = [at for at in attempts.failed_logins if now - at < self.lockout_window]
        recent.append(now)
        if len(recent) >= self.lockout_threshold:
            attempts.locked_until = now + self.lockout_window
            recent = []
        attempts.failed_logins = recent

    def verify_otp(self, user: User, code: str) -> bool:
        assert user.two_factor is not None
        return totp.verify(user.two_factor.secret, code, self.clock.now(), self.otp_window)

    def otp(self, login: str) -> str:
        """A TOTP code valid now for ``login`` (what the user's authenticator would show)."""
        with self.lock:
            user = self._known_user(login)
            if user.two_factor is None:
                raise InvalidInput(
                    FieldProblem(
                        "login", "invalid", f"user {login!r} has no two-factor authentication"
                    )
                )
            return totp.code_at(user.two_factor.secret, self.clock.now())

    def send_sms_code(self, user: User) -> str:
        """'Text' the current code to an SMS user; tests read it from ``sms_codes``."""
        with self.lock:
            self._live_user(user)
            code = self.otp(user.login)
            codes = self.sms_codes.setdefault(user.login, [])
            codes.append(code)
            # Bounded like the journals: the newest codes are the ones a test reads.
            if len(codes) > self.journal.limit:
                del codes[0]
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
