"""``FakeGHE``: one fake GHE with everything a test needs, usable with or without pytest.

It bundles the store, the Flask app, the faults, the clock, the journals and the revocation
assertions behind one object, and reaches clients in-process (``intercept()``: ``requests``
patched through ``responses``, and httpx with ``httpx=True`` or ``httpx_transport()``) or over
a socket (``serve()``); ``fake_ghe.reach`` is where it answers::

    with FakeGHE().intercept() as fake:
        user = fake.add_user("octocat", "pw")
        token = fake.add_authorization(user, note="laptop").token
        offboard("octocat", base_url=fake.base_url)
        fake.assert_revoked(token)
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from . import totp
from .app import create_app
from .clock import utc
from .config import DEFAULT_HOSTNAME, Config, split_hostname
from .controls import Controls
from .errors import FakeGHEError, NotFound
from .model import Authorization, OAuthApp, User
from .reach import Reach
from .runtime import Baseline, RecordedError, Runtime, Settings, as_window
from .scenario import Loaded, Source, load_scenario, read_scenario
from .store import LOCKOUT_THRESHOLD, LOCKOUT_WINDOW, Store

# Importable from here as before; they live with what they belong to.
__all__ = ["DEFAULT_HOSTNAME", "FakeGHE", "FakeServerError", "split_hostname"]


class FakeServerError(FakeGHEError):
    """fake-ghe itself failed while answering requests: a bug in the fake, not in your code.

    ``errors`` holds the exceptions; the message carries their tracebacks.
    """

    def __init__(self, errors: Iterable[BaseException]) -> None:
        self.errors = list(errors)
        details = "\n".join(
            "".join(traceback.format_exception(type(e), e, e.__traceback__)) for e in self.errors
        )
        super().__init__(
            f"fake-ghe failed {len(self.errors)} time(s) while answering requests; this is a "
            f"bug in fake-ghe, not in the code under test:\n{details}"
        )


_P = ParamSpec("_P")
_R = TypeVar("_R")


def store_verb(
    verb: Callable[Concatenate[Store, _P], _R],
) -> Callable[Concatenate[FakeGHE, _P], _R]:
    """``verb`` as a FakeGHE method that calls it on the fake's store."""

    @functools.wraps(verb)
    def on_the_store(fake: FakeGHE, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return verb(fake.store, *args, **kwargs)

    return on_the_store


class FakeGHE(Controls, Reach):
    """A fake GitHub Enterprise Server 2.18 (OAuth Authorizations API) for one test or more.

    ``hostname`` (``host``, ``host:port`` or ``https://host``) is where ``intercept()``
    answers; ``scenario`` is loaded at once; ``seed`` makes generated tokens reproducible;
    ``frozen_at`` starts with the clock frozen. ``lockout_threshold`` wrong passwords within
    ``lockout_window`` (seconds or a timedelta) lock a login for that window; ``otp_window``
    is how many 30 s steps either side of now a TOTP code may be from. ``reset()`` returns to
    all of these (``runtime.baseline``); a bad scenario raises ``ScenarioError``.
    """

    def __init__(
        self,
        hostname: str = DEFAULT_HOSTNAME,
        *,
        scheme: str = "https",
        scenario: Source | None = None,
        seed: int | str | None = None,
        frozen_at: datetime | str | None = None,
        admin: bool = True,
        lockout_threshold: int = LOCKOUT_THRESHOLD,
        lockout_window: timedelta | float = LOCKOUT_WINDOW,
        otp_window: int = totp.VALID_WINDOW,
    ) -> None:
        settings = Settings(lockout_threshold, as_window(lockout_window), otp_window)
        baseline = Baseline(
            scenario=read_scenario(scenario) if scenario is not None else None,
            frozen_at=utc(frozen_at) if frozen_at else None,
            settings=settings,
        )
        self.runtime = Runtime(Store(seed=seed), Config(admin=admin), baseline=baseline)
        self.store = self.runtime.store
        self.flask_app = create_app(self.runtime, self.runtime.config)
        self._init_reach(hostname, scheme)

    def __repr__(self) -> str:
        return f"<FakeGHE {self.base_url}>"

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The WSGI app, keeping any exception that escapes it for ``check()``."""
        try:
            return self.flask_app(environ, start_response)
        except Exception as error:
            self.errors.append(error)
            raise

    # ------------------------------------------------------------------ state as a whole

    def reset(self) -> None:
        """Back to how the fake was constructed: its scenario (same ids, and with a seed the
        same tokens), ``frozen_at`` (or real time), its lockout and TOTP settings, rate limiting
        off, no faults, and journals holding only the scenario's ``created`` events.

        Requests still sleeping in a slow fault are cut short (their connection drops), so
        they cannot change the fresh state. ``errors`` are kept for ``check()``: a bug in the
        fake, even one hit by a request still running from before, is never dropped unseen.
        ``POST /_fake_ghe/reset`` is this same reset (``Runtime.reset``).
        """
        self.runtime.reset()

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the fake while answering (bugs in the fake)."""
        return self.runtime.errors

    def check(self) -> None:
        """Raise ``FakeServerError`` with their tracebacks if the fake failed internally."""
        __tracebackhide__ = True
        errors = list(self.errors)
        dropped = self.runtime.errors.dropped
        self.errors.clear()
        if dropped:
            # Bounded (fake_ghe.runtime.ServerErrors): the first ones whole, the rest counted.
            errors.append(RecordedError(f"and {dropped} more server error(s) not kept"))
        if errors:
            raise FakeServerError(errors)

    # ------------------------------------------------------------------ seeding

    # The store's own verbs, bound to this fake's store: one signature, one docstring.
    add_user = store_verb(Store.add_user)
    add_app = store_verb(Store.add_app)
    add_authorization = store_verb(Store.add_authorization)
    # The web flow's shortcut: the code a user's "Authorize" click would have sent back.
    authorize = store_verb(Store.authorize)
    suspend_app = store_verb(Store.suspend_app)

    def _app_by_name(self, app: OAuthApp | str | None) -> OAuthApp | str | None:
        """An app named by its name, as ``assert_all_revoked(app=...)`` takes it, as itself.

        A client_id, or a name no single app has, is passed on for the store to resolve.
        """
        if not isinstance(app, str):
            return app
        with self.store.lock:
            found = self.store.apps_named(app)
            return self.store.oauth_app(found[0]) if len(found) == 1 else app

    def load_scenario(self, source: Source, *, replace: bool = False) -> Loaded:
        """Add a YAML scenario (a path) or a mapping in the same format; all or nothing.

        Raises ``fake_ghe.scenario.ScenarioError`` listing every problem with its line.
        """
        return load_scenario(self.store, source, replace=replace)

    def otp(self, login: str) -> str:
        """A two-factor code valid now (by the fake's clock) for ``login``."""
        return self.store.otp(login)

    def sms_codes(self, login: str) -> list[str]:
        """The codes "texted" to an SMS user so far, oldest first; NotFound for no such user."""
        with self.store.lock:
            user = self.store.user(login)
            if user is None:
                raise NotFound(f"no user {login!r}")
            return list(self.store.sms_codes.get(user.login, []))

    def last_sms_code(self, login: str) -> str:
        """The last code "texted" to ``login``; LookupError if none was."""
        codes = self.sms_codes(login)
        if not codes:
            raise NotFound(
                f"no code was texted to {login!r}: GHE texts one when an SMS user sends "
                "POST /authorizations or PUT /authorizations/clients/... without X-GitHub-OTP"
            )
        return codes[-1]

    # ------------------------------------------------------------------ looking things up

    def user(self, login: str) -> User | None:
        return self.store.user(login)

    def users(self) -> list[User]:
        return self.store.users()

    def oauth_app(self, client_id: str) -> OAuthApp | None:
        return self.store.oauth_app(client_id)

    def oauth_apps(self) -> list[OAuthApp]:
        return self.store.oauth_apps()

    def authorization(self, id_or_token: int | str) -> Authorization | None:
        """The live authorization with that id or current token value, else None."""
        if isinstance(id_or_token, str):
            return self.store.authorization_by_token(id_or_token)
        return self.store.authorization(id_or_token)

    def authorizations(
        self, user: User | str | None = None, app: OAuthApp | str | None = None
    ) -> list[Authorization]:
        """The live authorizations, of ``user`` and/or for ``app`` (OAuthApp, client_id or
        app name)."""
        login = user.login if isinstance(user, User) else user
        app = self._app_by_name(app)
        client_id = app.client_id if isinstance(app, OAuthApp) else app
        with self.store.lock:
            found = []
            for auth in self.store.authorizations():
                owner = self.store.user_by_id(auth.user_id)
                if login is not None and (owner is None or owner.login.lower() != login.lower()):
                    continue
                if client_id is not None and auth.client_id != client_id:
                    continue
                found.append(auth)
            return found
