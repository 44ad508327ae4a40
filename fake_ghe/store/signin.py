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


class _Stranger:
    """The failed sign-ins of a login no user holds: counted and locked exactly like a user's,
    so the answers never tell an attacker which logins exist. [decision]"""

    __slots__ = ("failed_logins", "locked_until")

    def __init__(self) -> None:
        self.failed_logins: list[datetime] = []
        self.locked_until: datetime | None = None


class SignIn(State):
    def _reset_extras(self) -> None:
        super()._reset_extras()
        # login (lower case) -> its failures; bounded like the journals, oldest dropped.
        self._strangers: dict[str, _Stranger] = {}

    def check_password(self, user: User, password: str) -> bool:
        return secrets_equal(password, user.password)

    def ensure_not_locked(self, user: User | _Stranger) -> None:
        """Raise LoginLocked while ``user`` is locked out, whatever password was given."""
        with self.lock:
            if user.locked_until is not None:
                if self.clock.now() < user.locked_until:
                    raise LoginLocked()
                user.locked_until = None

    def note_failed_login(self, user: User | _Stranger) -> None:
        """Count a wrong password (or a wrong two-factor code); enough of them within the
        window lock the login."""
        with self.lock:
            now = self.clock.now()
            recent = [at for at in user.failed_logins if now - at < self.lockout_window]
            recent.append(now)
            if len(recent) >= self.lockout_threshold:
                user.locked_until = now + self.lockout_window
                recent = []
            user.failed_logins = recent

    def fail_unknown_login(self, login: str) -> None:
        """A sign-in as ``login``, which no user holds: LoginLocked if that login is locked
        out, else the attempt is counted like a wrong password (the caller then answers Bad
        credentials, as for a user)."""
        with self.lock:
            key = login.lower()
            stranger = self._strangers.pop(key, None) or _Stranger()
            self._strangers[key] = stranger  # newest last: the oldest go first
            while len(self._strangers) > self.journal.limit:
                del self._strangers[next(iter(self._strangers))]
            self.ensure_not_locked(stranger)
            self.note_failed_login(stranger)

    def verify_otp(self, user: User, code: str) -> bool:
        assert user.two_factor is not None
        return totp.verify(user.two_factor.secret, code, self.clock.now(), self.otp_window)

    def otp(self, login: str) -> str:
        """A TOTP code valid now for ``login`` (what the user's authenticator would show)."""
        with self.lock:
            user = self._users_by_login.get(login.lower())
            if user is None:  # a lookup, not seeding: LookupError like every unknown name
                raise NotFound(f"no user {login!r}")
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
