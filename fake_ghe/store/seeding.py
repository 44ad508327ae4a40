"""Seeding verbs: users, OAuth apps and tokens put in directly, under ``fake_ghe.rules``;
and what a site admin does to an app (``suspend_app``).

Python calls and scenarios go through the same ``rules.check_*`` and the same ``seed_*``
below, so they accept exactly the same input.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from .. import rules
from ..errors import FieldProblem, InvalidInput, NotFound, WrongType
from ..model import Authorization, OAuthApp, TwoFactor, User
from .state import State


class Seeding(State):
    def add_user(
        self,
        login: str,
        password: str,
        *,
        site_admin: bool = False,
        name: str | None = None,
        email: str | None = None,
        two_factor: str | bool | TwoFactor | Mapping[str, str] | None = None,
    ) -> User:
        """Add a user who signs in with ``login:password``. ``two_factor``: ``"app"`` (or
        True) or ``"sms"`` makes a TOTP secret up; ``{"type": ..., "totp_secret": ...}`` or a
        ``TwoFactor`` sets it."""
        fields = {
            "login": login,
            "password": password,
            "site_admin": site_admin,
            "name": name,
            "email": email,
            "two_factor": two_factor,
        }
        with self.lock:
            return self.seed_user(_checked(rules.check_user(fields, self)))

    def add_app(
        self,
        name: str,
        url: str | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        callback_url: str | None = None,
    ) -> OAuthApp:
        """Register an OAuth app; client_id (20 hex) and client_secret (40 hex) made if absent.
        ``callback_url``: where the web flow sends users back (``/login/oauth/authorize``)."""
        fields = {
            "name": name,
            "url": url,
            "client_id": client_id,
            "client_secret": client_secret,
            "callback_url": callback_url,
        }
        with self.lock:
            return self.seed_app(_checked(rules.check_app(fields, self)))

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
        """Give ``user`` a token: of ``app`` (an OAuthApp, its client_id or its name), or a
        personal one (its note defaults to the first free ``token N``)."""
        fields: dict[str, Any] = {
            "user": user,
            "app": app,
            "scopes": scopes if isinstance(scopes, str) else list(scopes),
            "note": note,
            "note_url": note_url,
            "fingerprint": fingerprint,
            "token": token,
        }
        with self.lock:
            return self.seed_authorization(_checked(rules.check_authorization(fields, self)), actor)

    def suspend_app(self, app: OAuthApp | str, suspended: bool = True) -> OAuthApp:
        """Suspend ``app`` (an OAuthApp, its client_id or its name), as a site admin would, or
        lift the suspension (``suspended=False``); the app as it is now. While suspended, the
        web flow redirects with ``error=application_suspended``."""
        if not isinstance(suspended, bool):
            raise WrongType(f"suspended must be True or False, not {suspended!r}")
        with self.lock:
            if isinstance(app, str):
                found = self.apps_named(app)
                if len(found) != 1:  # a lookup: LookupError like every unknown name
                    raise NotFound(f"no single OAuth app with client_id or name {app!r}")
                app = self._apps[found[0]]
            return self._replace_app(self._live_app(app), suspended=suspended)

    # ------------------------------------------------------------------ from checked specs

    def seed_user(self, spec: rules.UserSpec) -> User:
        """Add a user whose fields ``rules.check_user`` passed (under the lock)."""
        factor = None
        if spec.two_factor is not None:
            secret = spec.totp_secret or self._new_totp_secret()
            factor = TwoFactor(type=spec.two_factor, secret=secret)
        user = User(
            id=self._next_id("user"),
            login=spec.login,
            password=spec.password,
            site_admin=spec.site_admin,
            name=spec.name,
            email=spec.email,
            two_factor=factor,
            created_at=self.clock.now(),
            _origin=self._origin,
        )
        return self._insert_user(user)

    def seed_app(self, spec: rules.AppSpec) -> OAuthApp:
        client_id = spec.client_id
        while client_id is None or client_id in self._apps:
            client_id = self._tokens.new()[:20]
        app = OAuthApp(
            id=self._next_id("app"),
            name=spec.name,
            url=spec.url or f"https://example.com/{spec.name.replace(' ', '-')}",
            client_id=client_id,
            client_secret=spec.client_secret or self._tokens.new(),
            created_at=self.clock.now(),
            callback_url=spec.callback_url,
            _origin=self._origin,
        )
        return self._insert_app(app)

    def seed_authorization(
        self, spec: rules.AuthorizationSpec, actor: str = "seed"
    ) -> Authorization:
        user = self._users_by_login[spec.login.lower()]
        app = self._apps[spec.client_id] if spec.client_id is not None else None
        return self._insert_authorization(
            user,
            app,
            list(spec.scopes),
            spec.note,
            spec.note_url,
            spec.fingerprint,
            actor,
            spec.token,
        )

    def _new_totp_secret(self) -> str:
        # From the token source, so a seeded fake makes the same secrets every run.
        raw = bytes.fromhex(self._tokens.new())  # 20 bytes: the 160 bits pyotp suggests
        return base64.b32encode(raw).decode("ascii")


Spec = TypeVar("Spec")


def _checked(result: tuple[Spec | None, list[FieldProblem]]) -> Spec:
    """The checked spec; the first problem raised (Python callers fix one thing at a time)."""
    spec, problems = result
    if problems or spec is None:
        raise InvalidInput(*problems[:1])
    return spec
