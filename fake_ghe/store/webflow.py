"""The OAuth web application flow's state: browser sessions and authorization codes.

The pages live in ``fake_ghe.web``; this module knows nothing of HTTP. What the flow makes is
an ordinary authorization of the app for the user (with its grant), journaled as created by
the user with cause ``web_flow``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .. import rules
from .. import scopes as scope_rules
from ..errors import DomainError, FieldProblem, InvalidInput, NotFound
from ..journal import TOKEN_LIMIT, WEB_FLOW
from ..model import Authorization, OAuthApp, User
from .signin import SignIn, secrets_equal

# "The temporary code will expire after 10 minutes." [docs: Authorizing OAuth Apps, 2.18]
CODE_LIFETIME = timedelta(minutes=10)
# More than ten tokens of one app for the same user and scopes: the oldest are revoked.
# [docs: GHES "Token expiration and revocation", read in the 3.0 edition; assumed for 2.18,
# whose "Authorizing OAuth Apps" allows several tokens per user/app/scopes]
TOKENS_PER_SCOPES = 10


# [decision] Bounds, so a client that never keeps cookies or never exchanges its codes cannot
# grow the fake without end: beyond them the oldest session or code is forgotten.
MAX_SESSIONS = 10_000
MAX_CODES = 10_000


class WebFlowError(DomainError):
    """A documented OAuth error (``error`` is its code, e.g. ``redirect_uri_mismatch``)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass
class PendingCode:
    user_id: int
    client_id: str
    scopes: list[str]
    redirect_uri: str | None
    expires_at: datetime


@dataclass
class WebSession:
    """One browser's session: who signed in (and whether their second factor is done)."""

    csrf: str
    user_id: int | None = None
    pending_user_id: int | None = None  # password right, second factor not given yet


def is_under(redirect_uri: str, callback_url: str) -> bool:
    """Whether ``redirect_uri`` is the callback or a URL under it: same scheme, host and port,
    its path the callback's or a subdirectory of it. [docs: Authorizing OAuth Apps,
    "Redirect URLs"] Dot segments never count as under. [decision]"""
    given, registered = urlsplit(redirect_uri), urlsplit(callback_url)
    if (given.scheme.lower(), given.netloc.lower()) != (
        registered.scheme.lower(),
        registered.netloc.lower(),
    ):
        return False
    if given.username is not None or "\\" in redirect_uri:
        return False
    segments = given.path.split("/")
    if ".." in segments or "." in segments or "%2e" in given.path.lower():
        return False
    base = registered.path.rstrip("/")
    return given.path.rstrip("/") == base or given.path.startswith(base + "/")


class WebFlow(SignIn):
    def _reset_extras(self) -> None:
        super()._reset_extras()
        self._codes: dict[str, PendingCode] = {}
        self._web_sessions: dict[str, WebSession] = {}

    # ------------------------------------------------------------------ browser sessions

    def web_session(self, session_id: str | None) -> tuple[str, WebSession]:
        """The session behind a cookie value, or a new one (with its new id)."""
        with self.lock:
            if session_id and session_id in self._web_sessions:
                return session_id, self._web_sessions[session_id]
            new_id = secrets.token_urlsafe(32)
            session = WebSession(csrf=secrets.token_urlsafe(32))
            self._web_sessions[new_id] = session
            if len(self._web_sessions) > MAX_SESSIONS:
                del self._web_sessions[next(iter(self._web_sessions))]
            return new_id, session

    def end_web_session(self, session_id: str) -> None:
        with self.lock:
            self._web_sessions.pop(session_id, None)

    def signed_in_user(self, session: WebSession) -> User | None:
        with self.lock:
            if session.user_id is None:
                return None
            return self._users.get(session.user_id)

    # ------------------------------------------------------------------ authorizing

    def web_flow_app(self, client_id: str) -> OAuthApp:
        """The app an authorization request names; NotFound when there is none."""
        with self.lock:
            app = self._apps.get(client_id)
            if app is None:
                raise NotFound(f"no OAuth app with client_id {client_id!r}")
            return app

    def redirect_target(self, app: OAuthApp, redirect_uri: str | None) -> str:
        """Where the flow may send the user back; WebFlowError redirect_uri_mismatch if not
        under the callback. Without a callback there is nowhere safe: NotFound."""
        if app.callback_url is None:
            raise NotFound(f"OAuth app {app.name!r} has no callback URL")
        if not redirect_uri:
            return app.callback_url
        if not is_under(redirect_uri, app.callback_url):
            raise WebFlowError(
                "redirect_uri_mismatch",
                "The redirect_uri MUST match the registered callback URL for this application.",
            )
        return redirect_uri

    def authorized_scopes(self, user: User, app: OAuthApp) -> list[str] | None:
        """The scopes the user granted the app (its tokens', and approvals whose code the
        app has not exchanged yet), or None if the user never authorized it."""
        with self.lock:
            grant = self._user_grants.get(user.id, {}).get(app.client_id)
            now = self.clock.now()
            approved = [
                pending.scopes
                for pending in self._codes.values()
                if (pending.user_id, pending.client_id) == (user.id, app.client_id)
                and now < pending.expires_at
            ]
            if grant is None and not approved:
                return None
            granted = self.grant_scopes(grant) if grant else []
            return scope_rules.unique(granted + [s for scopes in approved for s in scopes])

    def needs_consent(self, user: User, app: OAuthApp, scopes: list[str]) -> bool:
        """A user who already granted the app every scope asked for is not asked again."""
        granted = self.authorized_scopes(user, app)
        return granted is None or not set(scopes) <= set(granted)

    def issue_code(
        self, user: User, app: OAuthApp, scopes: list[str], redirect_uri: str | None
    ) -> str:
        """The user approved: a single-use code for the app to exchange within ten minutes."""
        with self.lock:
            self._live_user(user)
            if app.suspended:
                raise WebFlowError(
                    "application_suspended",
                    "Your application has been suspended. Contact your site administrator.",
                )
            wanted = scope_rules.unique(scopes)
            problem = rules.scopes_problem(wanted)
            if problem is not None:
                raise InvalidInput(problem)
            now = self.clock.now()
            for old in [c for c, p in self._codes.items() if now >= p.expires_at]:
                del self._codes[old]
            if len(self._codes) >= MAX_CODES:
                del self._codes[next(iter(self._codes))]
            code = secrets.token_hex(10)
            self._codes[code] = PendingCode(
                user.id, app.client_id, wanted, redirect_uri, now + CODE_LIFETIME
            )
            return code

    def authorize(
        self,
        user: User | str,
        app: OAuthApp | str,
        *,
        scopes: Iterable[str] | str = (),
        redirect_uri: str | None = None,
    ) -> str:
        """A code for ``app`` (an OAuthApp, client_id or name), exactly as if ``user`` signed in
        and clicked "Authorize" at ``/login/oauth/authorize``; exchange it at
        ``/login/oauth/access_token``. Raises WebFlowError as the page would redirect."""
        with self.lock:
            found = self.user(user) if isinstance(user, str) else user
            if found is None:
                raise InvalidInput(FieldProblem("user", "invalid", f"no user {user!r}"))
            if isinstance(app, str):
                names = self.apps_named(app)
                if len(names) != 1:
                    raise InvalidInput(FieldProblem("app", "invalid", f"no single app {app!r}"))
                app = self._apps[names[0]]
            # The app as it is now (a handle from before a suspension must not slip past it).
            app = self._live_app(app)
            self.redirect_target(app, redirect_uri)
            wanted = [scopes] if isinstance(scopes, str) else list(scopes)
            return self.issue_code(found, app, wanted, redirect_uri)

    # ------------------------------------------------------------------ the app's exchange

    def exchange_code(
        self, client_id: str, client_secret: str, code: str, redirect_uri: str | None
    ) -> Authorization:
        """``POST /login/oauth/access_token``: the code becomes a new token of the app for the
        user. Checked in the order client, code, redirect_uri [decision]; a failed exchange
        leaves the code usable [decision]; a used or expired code is bad_verification_code."""
        with self.lock:
            app = self.authenticate_app(client_id, client_secret)
            if app is None:
                raise WebFlowError(
                    "incorrect_client_credentials",
                    "The client_id and/or client_secret passed are incorrect.",
                )
            pending = self._codes.get(code)
            if pending is not None and self.clock.now() >= pending.expires_at:
                del self._codes[code]
                pending = None
            user = self._users.get(pending.user_id) if pending else None
            if pending is None or user is None or not secrets_equal(pending.client_id, client_id):
                raise WebFlowError(
                    "bad_verification_code", "The code passed is incorrect or expired."
                )
            if redirect_uri and (
                redirect_uri != (pending.redirect_uri or redirect_uri)
                or not is_under(redirect_uri, app.callback_url or "")
            ):
                raise WebFlowError(
                    "redirect_uri_mismatch",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                )
            del self._codes[code]
            return self._web_token(user, app, pending.scopes)

    def _web_token(self, user: User, app: OAuthApp, scopes: list[str]) -> Authorization:
        # Every approval is a new token (GitHub: "You can create multiple tokens for a
        # user/application/scope combination"); beyond ten, the oldest of them goes.
        same = [
            self._auths[i]
            for i in self._user_groups.get(user.id, {}).get(app.client_id, [])
            if sorted(self._auths[i].scopes) == sorted(scopes)
        ]
        for old in same[: max(0, len(same) - TOKENS_PER_SCOPES + 1)]:
            self._remove(old, TOKEN_LIMIT, user.login)
        return self._insert_authorization(
            user, app, scopes, None, None, None, user.login, cause=WEB_FLOW
        )
