"""``FakeGHE``: one fake GHE with everything a test needs, usable with or without pytest.

It bundles the store, the Flask app, the faults, the clock, the journals and the revocation
assertions behind one object, and reaches clients in-process (``intercept()``: ``requests``
patched through ``responses``) or over a socket (``serve()``)::

    with FakeGHE().intercept() as fake:
        user = fake.add_user("octocat", "pw")
        token = fake.add_authorization(user, note="laptop").token
        offboard("octocat", base_url=fake.base_url)
        fake.assert_revoked(token)
"""

from __future__ import annotations

import base64
import re
import secrets
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import assertions, totp
from .app import create_app
from .clock import Clock
from .config import API_PREFIX, Config
from .faults import Fault, Faults
from .journal import Call, Event, Journal
from .model import Authorization, OAuthApp, TwoFactor, User
from .scenario import Loaded, Source, load_scenario
from .store import LOCKOUT_THRESHOLD, LOCKOUT_WINDOW, Store

if TYPE_CHECKING:  # imported when used: a fake that is only served needs no responses
    from .server import LiveServer
    from .transports import ResponsesTransport

DEFAULT_HOSTNAME = "ghe.example.com"


class FakeServerError(Exception):
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


class FakeGHE:
    """A fake GitHub Enterprise Server 2.18 (OAuth Authorizations API) for one test or more.

    ``hostname`` (``host``, ``host:port`` or ``https://host``) is where ``intercept()``
    answers; ``scenario`` is loaded at once; ``seed`` makes generated tokens reproducible;
    ``frozen_at`` starts with the clock frozen. ``lockout_threshold`` wrong passwords within
    ``lockout_window`` (seconds or a timedelta) lock a login for that window; ``otp_window``
    is how many 30 s steps either side of now a TOTP code may be from. ``reset()`` returns to
    these.
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
        self.store = Store(
            seed=seed,
            clock=Clock(frozen_at),
            lockout_threshold=_threshold(lockout_threshold),
            lockout_window=_window(lockout_window),
            otp_window=_otp_window(otp_window),
        )
        self.flask_app = create_app(self.store, Config(admin=admin))
        self._context = self.flask_app.extensions["fake_ghe"]
        self._transport: ResponsesTransport | None = None
        self._server: LiveServer | None = None
        self.configure(hostname, scheme=scheme)
        if scenario is not None:
            self.load_scenario(scenario)

    def __repr__(self) -> str:
        return f"<FakeGHE {self.base_url}>"

    # ------------------------------------------------------------------ where it answers

    def configure(self, hostname: str = DEFAULT_HOSTNAME, *, scheme: str = "https") -> None:
        """Set the host that ``intercept()`` answers and that ``url`` fields name."""
        if self._transport is not None:
            raise RuntimeError("stop intercepting (close()) before changing the hostname")
        self.scheme, self.hostname = split_hostname(hostname, scheme)
        self._apply_config()

    def _apply_config(self) -> None:
        # While served over a socket, url fields name the address the client used (GHE builds
        # them from its configured hostname; a throwaway server has none). In-process requests
        # carry the public hostname in Host, so they get the same urls either way.
        hostname = None if self._server is not None else self.hostname
        self._context.config = replace(self.config, hostname=hostname, scheme=self.scheme)

    @property
    def config(self) -> Config:
        return self._context.config

    @property
    def root_url(self) -> str:
        """``https://ghe.example.com``, or ``http://127.0.0.1:PORT`` while served."""
        if self._server is not None:
            return self._server.root_url
        return f"{self.scheme}://{self.hostname}"

    @property
    def base_url(self) -> str:
        """Where clients find the API: ``root_url`` + ``/api/v3``."""
        return self.root_url + self.config.api_prefix

    def url(self, path: str) -> str:
        """``base_url`` + ``path`` (``fake.url("/authorizations")``)."""
        return self.base_url + "/" + path.lstrip("/")

    # ------------------------------------------------------------------ transports

    def intercept(self, *, passthrough: Iterable[str | re.Pattern[str]] = ()) -> FakeGHE:
        """Answer ``requests`` calls to ``root_url`` in-process until ``close()``.

        Other hosts get responses' ConnectionError unless their URL starts with one of
        ``passthrough``; a ``responses`` mock the caller started before keeps answering them.
        """
        if self._transport is None:
            from .transports import ResponsesTransport

            root = f"{self.scheme}://{self.hostname}"
            self._transport = ResponsesTransport(self.wsgi, root, passthrough=passthrough)
            self._transport.start()
        else:
            for prefix in passthrough:
                self._transport.add_passthrough(prefix)
        return self

    def passthrough(self, prefix: str | re.Pattern[str]) -> None:
        """While intercepting, let requests to URLs starting with ``prefix`` reach the network."""
        if self._transport is None:
            raise RuntimeError("passthrough only applies while intercepting (call intercept())")
        self._transport.add_passthrough(prefix)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeGHE:
        """Serve the API over a real socket (port 0: a free one) until ``close()``."""
        if self._server is None:
            from .server import LiveServer

            self._server = LiveServer(self.wsgi, host, port).start()
            self._apply_config()
        return self

    @property
    def server(self) -> LiveServer | None:
        """The live server while serving, else None."""
        return self._server

    def close(self) -> None:
        """Stop intercepting and serving (each only if started)."""
        transport, self._transport = self._transport, None
        server, self._server = self._server, None
        if transport is not None:
            transport.stop()
        if server is not None:
            server.stop()
            self._apply_config()

    def __enter__(self) -> FakeGHE:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The WSGI app, keeping any exception that escapes it for ``check()``."""
        try:
            return self.flask_app(environ, start_response)
        except Exception as error:
            self.errors.append(error)
            raise

    # ------------------------------------------------------------------ state as a whole

    def reset(self) -> None:
        """Forget everything: no users, apps or tokens, real time, no faults, empty journals;
        the lockout and TOTP settings go back to the constructor's.

        Requests still sleeping in a slow fault are cut short (their connection drops), so
        they cannot change the fresh state. ``errors`` are kept for ``check()``: a bug in the
        fake, even one hit by a request still running from before, is never dropped unseen.
        """
        self.faults.reset()
        with self.store.lock:
            self.store.reset()
            self.store.clock.reset()

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the fake while answering (bugs in the fake)."""
        return self._context.errors

    def check(self) -> None:
        """Raise ``FakeServerError`` with their tracebacks if the fake failed internally."""
        __tracebackhide__ = True
        errors = list(self.errors)
        self.errors.clear()
        if errors:
            raise FakeServerError(errors)

    # ------------------------------------------------------------------ seeding

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
        """Add a user. ``two_factor="app"`` (or ``True``) or ``"sms"`` makes a TOTP secret;
        a mapping ``{"type": ..., "totp_secret": ...}`` or a ``TwoFactor`` sets it."""
        factor: TwoFactor | Mapping[str, str] | None
        if two_factor is True or isinstance(two_factor, str):
            kind = "app" if two_factor is True else two_factor
            secret = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
            factor = TwoFactor(type=kind, secret=secret)
        elif two_factor is False:
            factor = None
        else:
            factor = two_factor
        return self.store.add_user(
            login, password, site_admin=site_admin, name=name, email=email, two_factor=factor
        )

    def add_app(
        self,
        name: str,
        url: str | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> OAuthApp:
        """Register an OAuth app; its client_id and client_secret are made up unless given."""
        return self.store.add_app(name, url, client_id=client_id, client_secret=client_secret)

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
    ) -> Authorization:
        """Give ``user`` a token: of ``app`` (an OAuthApp, client_id or app name), or a
        personal one.

        The result carries the generated ``id`` and ``token``.
        """
        app = self._app_by_name(app)
        if app is None and note is None:
            # GHE requires a unique note on a personal token; a seeding helper should not.
            # [decision] the first free "token N" of that user.
            note = self._free_note(user)
        return self.store.add_authorization(
            user,
            app,
            scopes=scopes,
            note=note,
            note_url=note_url,
            fingerprint=fingerprint,
            token=token,
        )

    def _free_note(self, user: User | str) -> str:
        login = (user.login if isinstance(user, User) else user).lower()
        taken = {
            auth.note
            for auth in self.store.authorizations()
            if auth.personal and self.store.user_by_id(auth.user_id).login.lower() == login
        }
        number = len(taken) + 1
        while f"token {number}" in taken:
            number += 1
        return f"token {number}"

    def _app_by_name(self, app: OAuthApp | str | None) -> OAuthApp | str | None:
        """An app named by its name, as ``assert_all_revoked(app=...)`` takes it, as itself.

        A client_id, or a name no single app has, is passed on for the store to resolve.
        """
        if not isinstance(app, str) or self.store.app(app) is not None:
            return app
        named = [known for known in self.store.apps() if known.name == app]
        return named[0] if len(named) == 1 else app

    def load_scenario(self, source: Source, *, replace: bool = False) -> Loaded:
        """Add a YAML scenario (a path) or a mapping in the same format; all or nothing.

        Raises ``fake_ghe.scenario.ScenarioError`` listing every problem with its line.
        """
        return load_scenario(self.store, source, replace=replace)

    def otp(self, login: str) -> str:
        """A two-factor code valid now (by the fake's clock) for ``login``."""
        return self.store.otp(login)

    def sms_codes(self, login: str) -> list[str]:
        """The codes "texted" to an SMS user so far, oldest first."""
        with self.store.lock:
            return list(self.store.sms_codes.get(login, []))

    def last_sms_code(self, login: str) -> str:
        """The last code "texted" to ``login``; LookupError if none was."""
        codes = self.sms_codes(login)
        if not codes:
            raise LookupError(
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
        return self.store.app(client_id)

    def oauth_apps(self) -> list[OAuthApp]:
        return self.store.apps()

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

    # ------------------------------------------------------------------ journals and assertions

    @property
    def journal(self) -> Journal:
        """Both journals, live: ``journal.events`` and ``journal.calls``."""
        return self.store.journal

    @property
    def events(self) -> list[Event]:
        """Every change to an authorization (created, updated, reset, revoked), oldest first."""
        with self.store.lock:
            return list(self.store.journal.events)

    @property
    def calls(self) -> list[Call]:
        """Every request answered (method, path, status, principal), secrets redacted."""
        with self.store.lock:
            return list(self.store.journal.calls)

    def history(self, target: Authorization | int | str) -> list[Event]:
        """The events of one authorization (given as itself, its id or a token), oldest first."""
        return assertions.history(self.store, target)

    def assert_revoked(
        self,
        target: Authorization | int | str,
        *,
        cause: str | None = None,
        by: str | OAuthApp | None = None,
    ) -> Event:
        """Fail unless the authorization was revoked; ``cause`` (user_delete, grant_delete,
        app_revoke, app_grant_revoke) and ``by`` (a login, or an app: its OAuthApp, its
        client_id or ``app:CLIENT_ID``) narrow it."""
        __tracebackhide__ = True
        return assertions.assert_revoked(self.store, target, cause=cause, by=by)

    def assert_not_revoked(self, target: Authorization | int | str) -> None:
        """Fail if the authorization was revoked, or a token string no longer works."""
        __tracebackhide__ = True
        assertions.assert_not_revoked(self.store, target)

    def assert_all_revoked(
        self, *, user: User | str | None = None, app: OAuthApp | str | None = None
    ) -> list[Event]:
        """Fail unless every token ``user`` ever had (for ``app``, if given) was revoked."""
        __tracebackhide__ = True
        return assertions.assert_all_revoked(self.store, user=user, app=app)

    # ------------------------------------------------------------------ faults

    @property
    def faults(self) -> Faults:
        """The armed faults (``faults.add(...)`` takes every option at once)."""
        return self._context.faults

    def fail(
        self,
        method: str = "*",
        path: str = "*",
        status: int = 500,
        *,
        message: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
    ) -> Fault:
        """The next ``times`` requests matching ``method`` ("*": any) and ``path`` (a glob,
        with or without ``/api/v3``) answer ``status`` with a GitHub-style body."""
        return self.faults.add(
            method,
            path,
            status=status,
            message=message,
            body=body,
            headers=dict(headers or {}),
            times=times,
        )

    def slow(
        self, method: str = "*", path: str = "*", seconds: float = 1.0, *, times: int | None = 1
    ) -> Fault:
        """The next ``times`` matching requests wait ``seconds`` (real time) before answering.

        In-process, a wait longer than the client's read timeout raises requests' ReadTimeout.
        """
        return self.faults.add(method, path, delay=seconds, times=times)

    def disconnect(self, method: str = "*", path: str = "*", *, times: int | None = 1) -> Fault:
        """The next ``times`` matching requests get no answer: the connection drops."""
        return self.faults.add(method, path, disconnect=True, times=times)

    def clear_faults(self) -> None:
        self.faults.clear()

    def exhaust_rate_limit(self, login: str | None = None) -> None:
        """Use up the rate limit of ``login`` (default: everyone): 403 until the window ends."""
        self.store.exhaust_rate_limit(login)

    def set_rate_limit(self, limit: int | None, window: timedelta | float = 3600) -> None:
        """Limit each user to ``limit`` requests per ``window`` (seconds); None turns it off."""
        if not isinstance(window, timedelta):
            window = timedelta(seconds=window)
        self.store.set_rate_limit(limit, window)

    # ------------------------------------------------------------------ signing in

    def set_lockout(self, threshold: int, window: timedelta | float | None = None) -> None:
        """``threshold`` wrong passwords within ``window`` (seconds; unchanged if None) lock a
        login for ``window``. Until ``reset()``, which restores the constructor's values."""
        threshold = _threshold(threshold)
        with self.store.lock:
            if window is not None:
                self.store.lockout_window = _window(window)
            self.store.lockout_threshold = threshold

    @property
    def lockout_threshold(self) -> int:
        return self.store.lockout_threshold

    @property
    def lockout_window(self) -> timedelta:
        return self.store.lockout_window

    @property
    def otp_window(self) -> int:
        """How many 30 s steps either side of now a TOTP code may be from (0: only now's).
        Settable; ``reset()`` restores the constructor's value."""
        return self.store.otp_window

    @otp_window.setter
    def otp_window(self, steps: int) -> None:
        self.store.otp_window = _otp_window(steps)

    # ------------------------------------------------------------------ time

    @property
    def clock(self) -> Clock:
        """The fake's clock: ``freeze()``, ``set(datetime)``, ``advance(minutes=5)``, ``now()``."""
        return self.store.clock


def _threshold(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"lockout_threshold must be a whole number of at least 1, not {value!r}")
    return value


def _window(value: timedelta | float) -> timedelta:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = timedelta(seconds=value)
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValueError(f"lockout_window must be a positive timedelta or seconds, not {value!r}")
    return value


def _otp_window(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"otp_window must be a whole number of at least 0, not {value!r}")
    return value


def split_hostname(value: str, scheme: str = "https") -> tuple[str, str]:
    """``(scheme, host[:port])`` from ``host``, ``host:port`` or ``scheme://host[:port][/api/v3]``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("hostname must be a non-empty string")
    text = value.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.path not in ("", "/", API_PREFIX, API_PREFIX + "/"):
            raise ValueError(f"hostname {value!r}: give the host, not a path ({parts.path!r})")
        scheme, text = parts.scheme, parts.netloc
    if scheme not in ("http", "https"):
        raise ValueError(f"hostname {value!r}: the scheme must be http or https")
    if not re.fullmatch(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?", text):
        raise ValueError(f"hostname {value!r} is not a host name (with an optional :port)")
    return scheme, text
