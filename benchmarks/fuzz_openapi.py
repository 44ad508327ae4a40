"""Fuzz every operation of the official GHES 2.18 description against the fake, in-process.

Opt-in, run by hand from the repository root::

    python3 benchmarks/fuzz_openapi.py [--examples N] [--seed S] [--reset-every K] [-v]

Three kinds of request go to ``fake_ghe.create_app`` over WSGI (no socket):

1. schemathesis' positive and negative data for each operation of
   ``tests/vendor/ghes-2.18-oauth-authorizations.json`` (``--examples`` of each, per operation);
2. hostile requests from this file's own Hypothesis strategies: path parameters such as
   ``%0A``, ``%00``, overlong or non-numeric ids, bodies with lone surrogates, invalid UTF-8,
   deep nesting, huge strings, wrong types, odd headers and query strings;
3. a fixed corpus of the same hostile values, each path parameter of each operation in turn,
   so that the known kinds of breakage are tried on every run whatever the seed.

The store is seeded with users (one with TOTP two-factor, one with SMS), two OAuth apps, tokens
and grants, and reset every ``--reset-every`` requests. Each request carries credentials drawn
for its endpoint: mostly valid ones (Basic ``login:password`` with a TOTP code where needed,
``client_id:client_secret``, ``token X``), sometimes wrong, missing or malformed ones.

The description fuzzed and checked is the official one with ``tests/vendor/ghes-2.18-errata.json``
applied (where real recordings contradict it, the recordings win; ``tests/openapi.py``).

Reported, each distinct kind once with the smallest request seen: a 500, an exception escaping
the WSGI app, a body that is not JSON where JSON is due, a JSON body the description (with the
errata) does not allow, and an answer slower than 1 s. Exit status 1 when any was found.
``tests/test_fuzz_openapi.py`` runs a small budget of the same.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import logging
import sys
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fake_ghe import Clock, Config, Store, create_app  # noqa: E402
from fake_ghe.totp import code_at  # noqa: E402
from tests import openapi  # noqa: E402  (the description with the errata applied)

API_PREFIX = "/api/v3"
BASE_URL = f"http://localhost{API_PREFIX}"
SLOW_SECONDS = 1.0
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)

# ------------------------------------------------------------------------------ the seeded world

USER, USER_PASS = "fuzzer", "fuzz-Passw0rd"
TOTP_USER, TOTP_PASS = "totpuser", "totp-pass"
SMS_USER, SMS_PASS = "smsuser", "sms-pass"
OTHER_USER, OTHER_PASS = "someone", "someone-pass"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
CLIENT_ID, CLIENT_SECRET = "abcde12345fghij67890", "0123456789abcdef0123456789abcdef01234567"
OTHER_CLIENT_ID, OTHER_SECRET = "0f0f0f0f0f0f0f0f0f0f", "f" * 40
TOKENS = {
    "personal": "a" * 40,
    "app": "b" * 40,
    "app-fingerprint": "c" * 40,
    "other-user-app": "d" * 40,
    "totp-app": "e" * 40,
    "other-app": "1" * 40,
}
FINGERPRINT = "fuzz-fingerprint"


def seed(store: Store) -> None:
    """Users, apps, tokens and grants with fixed ids and token values (stable across resets)."""
    store.add_user(USER, USER_PASS, name="Fuzzer", email="fuzzer@example.com")
    store.add_user(TOTP_USER, TOTP_PASS, two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    store.add_user(SMS_USER, SMS_PASS, two_factor={"type": "sms", "totp_secret": TOTP_SECRET})
    store.add_user(OTHER_USER, OTHER_PASS, site_admin=True)
    store.add_app(
        "fuzz app", "http://fuzz.example.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    store.add_app(
        "other app",
        "http://other.example.com",
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_SECRET,
    )
    store.add_authorization(USER, scopes=["repo"], note="personal", token=TOKENS["personal"])
    store.add_authorization(USER, CLIENT_ID, scopes=["user", "repo"], token=TOKENS["app"])
    store.add_authorization(
        USER, CLIENT_ID, scopes=["gist"], fingerprint=FINGERPRINT, token=TOKENS["app-fingerprint"]
    )
    store.add_authorization(OTHER_USER, CLIENT_ID, scopes=["repo"], token=TOKENS["other-user-app"])
    store.add_authorization(TOTP_USER, CLIENT_ID, token=TOKENS["totp-app"])
    store.add_authorization(USER, OTHER_CLIENT_ID, scopes=["read:org"], token=TOKENS["other-app"])


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass(frozen=True)
class Persona:
    """A way of signing a request; ``otp`` adds a TOTP code valid at the store's now."""

    name: str
    authorization: str | None = None
    otp: str | None = None  # "valid", or a literal code to send

    def headers(self, store: Store) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        if self.otp == "valid":
            headers["X-GitHub-OTP"] = code_at(TOTP_SECRET, store.clock.now())
        elif self.otp is not None:
            headers["X-GitHub-OTP"] = self.otp
        return headers


USER_OK = Persona("user", basic(USER, USER_PASS))
TOTP_OK = Persona("totp+otp", basic(TOTP_USER, TOTP_PASS), otp="valid")
SMS_OK = Persona("sms+otp", basic(SMS_USER, SMS_PASS), otp="valid")
APP_OK = Persona("app", basic(CLIENT_ID, CLIENT_SECRET))
TOKEN_OK = Persona("token", f"token {TOKENS['app']}")
BAD_PERSONAS = [
    Persona("anonymous"),
    Persona("wrong-password", basic(USER, "nope")),
    Persona("unknown-user", basic("nobody", "x")),
    Persona("totp-no-otp", basic(TOTP_USER, TOTP_PASS)),
    Persona("totp-bad-otp", basic(TOTP_USER, TOTP_PASS), otp="000000"),
    Persona("totp-odd-otp", basic(TOTP_USER, TOTP_PASS), otp="²³⁴⁵⁶⁷"),
    Persona("sms-no-otp", basic(SMS_USER, SMS_PASS)),
    Persona("login:token", basic(USER, TOKENS["personal"])),
    Persona("token", f"token {TOKENS['personal']}"),
    Persona("bearer", f"Bearer {TOKENS['app']}"),
    Persona("dead-token", "token " + "0" * 40),
    Persona("other-app", basic(OTHER_CLIENT_ID, OTHER_SECRET)),
    Persona("app-wrong-secret", basic(CLIENT_ID, "0" * 40)),
    Persona("user-as-app", basic(USER, USER_PASS)),
    Persona("basic-not-base64", "Basic %%%not-base64%%%"),
    Persona("basic-no-colon", "Basic " + base64.b64encode(b"justauser").decode()),
    Persona("basic-bad-utf8", "Basic " + base64.b64encode(b"\xff\xfe:\xfd").decode()),
    Persona("basic-empty", "Basic "),
    Persona("unknown-scheme", "Digest foo=bar"),
    Persona("huge-token", "token " + "x" * 20000),
]


def personas_for(template: str) -> tuple[list[Persona], list[Persona]]:
    """(valid credentials for this endpoint, wrong or odd ones)."""
    if template.startswith("/applications/{client_id}"):
        good = [APP_OK]
    elif template.startswith(("/authorizations", "/applications/grants")):
        good = [USER_OK] * 4 + [TOTP_OK] * 2 + [SMS_OK]
    elif template == "/user":
        good = [TOKEN_OK] * 3 + [USER_OK] * 2 + [TOTP_OK]
    else:
        good = [Persona("anonymous")] * 3 + [USER_OK, TOKEN_OK, APP_OK]
    return good, BAD_PERSONAS


def persona_strategy(template: str) -> st.SearchStrategy[Persona]:
    """Valid credentials three times in four: most requests should reach the handlers."""
    good, bad = personas_for(template)
    # sampled_from rather than a drawn number: Hypothesis favours boundary integers.
    weighted = good * -(-3 * len(bad) // len(good))
    return st.sampled_from(weighted + bad)


# Field values that pass validation, so that positive data creates and updates tokens.
VALID_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "scopes": st.sampled_from([[], ["repo"], ["user", "gist"], ["admin:org", "read:org"]]),
    "add_scopes": st.sampled_from([[], ["gist"], ["repo", "user:email"]]),
    "remove_scopes": st.sampled_from([[], ["repo"], ["gist", "nonexistent"]]),
    "note": st.text(min_size=1, max_size=20),
    "note_url": st.sampled_from(["https://example.com/n", "", None]),
    "client_id": st.sampled_from([CLIENT_ID, OTHER_CLIENT_ID]),
    "client_secret": st.sampled_from([CLIENT_SECRET, OTHER_SECRET]),
    "fingerprint": st.one_of(st.none(), st.text(max_size=20), st.just(FINGERPRINT)),
}


def real_values(store: Store) -> dict[str, list[str]]:
    """Path parameter values that name things in the seeded store."""
    with store.lock:
        auth_ids = [str(a.id) for a in store.authorizations()]
        grant_ids = [str(g.id) for g in store.grants()]
    return {
        "authorization_id": [*auth_ids, "1", "999"],
        "grant_id": [*grant_ids, "1", "999"],
        "client_id": [CLIENT_ID] * 4 + [OTHER_CLIENT_ID, "00000000000000000000"],
        "access_token": [*TOKENS.values(), "0" * 40],
        "fingerprint": [FINGERPRINT, "new-fingerprint"],
    }


# Path parameter values, already percent-encoded as they go on the wire.
HOSTILE_SEGMENTS = [
    "%0A",
    "abc%0Adef",
    "%00",
    "abc%00",
    "%0D%0A",
    "1%0A",
    "%0A1",
    "%09",
    "%20",
    "%20%201",
    "-1",
    "0",
    "00001",
    "+1",
    "1e3",
    "0x10",
    "1.0",
    "99999999999999999999999999999",
    "x" * 5000,
    "9" * 4301,
    "%ED%A0%80",
    "%ED%B0%80",
    "%FF",
    "%C0%AF",
    "%E2%80%AE",
    "%F0%9F%98%80",
    "%25",
    "%2F",
    "..",
    "%2E%2E",
    "a%2Fb",
    "%3F",
    "%23",
    "~",
    "%EF%BC%91",
    "%D9%A3",
]

HOSTILE_JSON_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    1e308,
    "",
    " ",
    "\ud800",
    "\udfff",
    "a\x00b",
    "\u202e",
    "\U0001f600",
    "x" * 100_000,
    [],
    [None],
    [1, 2],
    ["\ud800"],
    ["repo", "repo"],
    {},
    {"a": 1},
]
FIELDS = [
    "scopes",
    "add_scopes",
    "remove_scopes",
    "note",
    "note_url",
    "client_id",
    "client_secret",
    "fingerprint",
]


def _raw_bodies() -> list[bytes]:
    return [
        b"",
        b"null",
        b"true",
        b"1",
        b'"a string"',
        b"[]",
        b"[1,2]",
        b"{",
        b"{}}",
        b"\x00",
        b'{"note": "\\ud800"}',
        b'{"scopes": ["\\udc00"]}',
        b'{"fingerprint": "\\ud800"}',
        b'{"client_secret": "\\ud800", "note": "x"}',
        b'{"note_url": "\\udfff\\ud800"}',
        b'{"note": "\xed\xa0\x80"}',
        b'{"note": "\xff\xfe"}',
        b"\xef\xbb\xbf{}",
        b'{"note": NaN}',
        b'{"scopes": Infinity}',
        b'{"scopes": 1e999}',
        b'{"note": "a", "note": 5}',
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
        b'{"scopes": "' + b"r" * 1_000_000 + b'"}',
        b'{"scopes": [' + b'"repo",' * 50_000 + b'"repo"]}',
        b'{"note": "' + "\U0001f600".encode() * 10_000 + b'"}',
        json.dumps({"note": "\ud800", "scopes": ["\udbff"], "fingerprint": "\udc00"}).encode(),
    ]


RAW_BODIES = _raw_bodies()
ODD_HEADERS: list[dict[str, str]] = [
    {"If-None-Match": '"bogus"'},
    {"If-None-Match": "*"},
    {"If-Modified-Since": "yesterday"},
    {"If-Modified-Since": "Mon, 01 Jan 0001 00:00:00 GMT"},
    {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/json; charset=latin-1"},
    {"Content-Type": "multipart/form-data"},
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Accept": "application/xml"},
    {"Accept": "application/vnd.github.v3+json"},
    {"Origin": "https://evil.example.com"},
    {"X-HTTP-Method-Override": "DELETE"},
    {"Content-Encoding": "gzip"},
    {"X-GitHub-OTP": "1" * 10_000},
    {"X-GitHub-OTP": "１２３４５６"},
]
ODD_QUERIES: list[str] = [
    "page=-1",
    "page=0",
    "page=abc",
    "per_page=0",
    "per_page=-5",
    "per_page=1e3",
    "page=99999999999999999999999999",
    "per_page=99999999999999999999999",
    "page=%00",
    "page=1%0A",
    "per_page=%EF%BC%91",
    "page=&per_page=",
    "page=1&page=2",
    "access_token=",
    f"access_token={TOKENS['app']}",
    "access_token=%00",
    "client_id=%0A",
    "page[]=1",
    "%FF=%FF",
    "a=" + "b" * 10_000,
]


# ------------------------------------------------------------------------------ findings


@dataclass
class Request:
    method: str
    path: str  # as on the wire: percent-encoded, with the API prefix, no query
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def size(self) -> int:
        return (
            len(self.path)
            + len(self.query)
            + len(self.body or b"")
            + sum(len(k) + len(v) for k, v in self.headers.items())
        )

    def describe(self) -> str:
        target = self.path + (f"?{self.query}" if self.query else "")
        lines = [f"    {self.method} {_clip(target, 300)}"]
        for name, value in self.headers.items():
            shown = _clip(value, 120)
            if name == "Authorization" and value.startswith("Basic "):
                try:
                    decoded = base64.b64decode(value[6:], validate=True).decode("utf-8")
                    shown += f"   ({_clip(decoded, 80)})"
                except ValueError:
                    pass
            lines.append(f"    {name}: {shown}")
        if self.body is not None:
            lines.append(f"    body ({len(self.body)} bytes): {_clip(repr(self.body), 300)}")
        return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text)} chars]"


@dataclass
class Finding:
    kind: str  # "500", "exception", "non-json", "schema", "slow"
    operation: str
    request: Request
    status: int | None
    detail: str
    count: int = 1
    operations: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    status: int | None
    headers: dict[str, str]  # names in lower case
    body: bytes
    elapsed: float
    escaped: BaseException | None = None


class Fuzzer:
    """One fake app over one store, the requests sent to it and what went wrong."""

    def __init__(self, *, reset_every: int = 50, slow_seconds: float = SLOW_SECONDS) -> None:
        self.store = Store(seed=1234, clock=Clock(frozen_at=START))
        seed(self.store)
        self.app: Flask = create_app(self.store, Config(hostname="ghe.example.com"))
        self.client = self.app.test_client()
        self.raw: dict[str, Any] = copy.deepcopy(openapi.spec())
        self.schema = schemathesis.openapi.from_dict(self.raw)
        self.schema.app = self.app  # schemathesis calls the WSGI app in-process
        self.operations = [result.ok() for result in self.schema.get_all_operations()]
        self.reset_every = reset_every
        self.slow_seconds = slow_seconds
        self.requests = 0
        self.covered: set[str] = set()
        self.statuses: dict[int, int] = {}
        self.findings: dict[tuple[str, ...], Finding] = {}
        self.values = real_values(self.store)

    # ---------------------------------------------------------------- the app's own error list

    def _errors(self) -> list[BaseException]:
        """Exceptions the fake recorded (FakeContext.errors at the time of writing)."""
        context = self.app.extensions.get("fake_ghe")
        for name in ("errors", "exceptions", "failures"):
            found = getattr(context, name, None)
            if isinstance(found, list):
                return found
        return []

    # ---------------------------------------------------------------- sending

    def before_request(self) -> None:
        if self.requests and self.requests % self.reset_every == 0:
            self.store.reset()
            seed(self.store)
        self.requests += 1

    def send_case(self, label: str, case: schemathesis.Case, persona: Persona) -> None:
        """Send a schemathesis case through its own WSGI transport."""
        self.before_request()
        headers = persona.headers(self.store)
        errors_before = len(self._errors())
        started = time.perf_counter()
        request = Request(case.method.upper(), "", headers=dict(headers))
        try:
            response = case.call(base_url=BASE_URL, headers=headers)
        except Exception as error:
            request.path = case.formatted_path
            self.check(
                label,
                request,
                Outcome(None, {}, b"", time.perf_counter() - started, escaped=error),
                errors_before,
            )
            return
        prepared = response.request
        url = urllib.parse.urlsplit(prepared.url or "")
        request.path, request.query = url.path, url.query
        request.headers = {
            k: v
            for k, v in prepared.headers.items()
            if k
            not in (
                "User-Agent",
                "Accept-Encoding",
                "Connection",
                "Content-Length",
                "X-Schemathesis-TestCaseId",
            )
        }
        body = prepared.body
        request.body = body.encode("utf-8") if isinstance(body, str) else body
        headers_out = {k.lower(): ", ".join(v) for k, v in response.headers.items()}
        outcome = Outcome(response.status_code, headers_out, response.content, response.elapsed)
        self.check(label, request, outcome, errors_before)

    def send_raw(self, label: str, request: Request) -> None:
        """Send a request exactly as given, through Flask's test client."""
        self.before_request()
        errors_before = len(self._errors())
        started = time.perf_counter()
        try:
            response = self.client.open(
                request.path,
                method=request.method,
                query_string=request.query or None,
                headers=request.headers,
                data=request.body,
            )
            body = response.get_data()
        except Exception as error:
            outcome = Outcome(None, {}, b"", time.perf_counter() - started, escaped=error)
        else:
            headers_out = {k.lower(): v for k, v in response.headers.items()}
            outcome = Outcome(
                response.status_code, headers_out, body, time.perf_counter() - started
            )
        self.check(label, request, outcome, errors_before)

    # ---------------------------------------------------------------- checking

    def check(self, label: str, request: Request, outcome: Outcome, errors_before: int) -> None:
        self.covered.add(label)
        if outcome.status is not None:
            self.statuses[outcome.status] = self.statuses.get(outcome.status, 0) + 1
        new_errors = self._errors()[errors_before:]
        if outcome.escaped is not None:
            self.record("exception", label, request, None, outcome.escaped)
        elif outcome.status is not None and outcome.status >= 500:
            if new_errors:
                for error in new_errors:
                    self.record("500", label, request, outcome.status, error)
            else:
                self.record(
                    "500",
                    label,
                    request,
                    outcome.status,
                    detail=_clip(outcome.body.decode("utf-8", "replace"), 300),
                )
        elif new_errors:  # recorded by the fake but answered otherwise
            for error in new_errors:
                self.record("exception", label, request, outcome.status, error)
        if outcome.status is not None and not _json_ok(request.method, outcome):
            content_type = outcome.headers.get("content-type", "")
            self.record(
                "non-json",
                label,
                request,
                outcome.status,
                detail=f"Content-Type {content_type!r}, body " + _clip(repr(outcome.body), 200),
                key_extra=content_type,
            )
        violation = _schema_violation(request, outcome)
        if violation:
            self.record(
                "schema", label, request, outcome.status, detail=violation, key_extra=violation
            )
        if outcome.elapsed > self.slow_seconds:
            self.record(
                "slow", label, request, outcome.status, detail=f"took {outcome.elapsed:.2f} s"
            )

    def record(
        self,
        kind: str,
        label: str,
        request: Request,
        status: int | None,
        error: BaseException | None = None,
        detail: str = "",
        key_extra: str = "",
    ) -> None:
        if error is not None:
            detail = _describe_exception(error)
            key: tuple[str, ...] = (kind, *_exception_key(error))
        else:
            # A non-JSON answer of one status and type is one cause wherever it shows.
            where = "" if kind == "non-json" else label
            key = (kind, where, str(status), key_extra)
        found = self.findings.get(key)
        if found is None:
            found = self.findings[key] = Finding(kind, label, request, status, detail)
        else:
            found.count += 1
            if request.size() < found.request.size():
                found.request, found.operation, found.status = request, label, status
                found.detail = detail
        found.operations.add(label)

    @property
    def failures(self) -> list[Finding]:
        return list(self.findings.values())

    # ---------------------------------------------------------------- the three phases

    def fuzz_schema(
        self, op: schemathesis.APIOperation, mode: GenerationMode, examples: int, seed_value: int
    ) -> bool:
        """schemathesis' data for ``op``; False when it can make none in this mode."""
        label = op.label
        raw = self.raw["paths"][op.path][op.method.lower()]
        if mode is GenerationMode.NEGATIVE and not _negatable(raw):
            return False  # schemathesis would only give up (Unsatisfiable), slowly
        strategy = op.as_strategy(mode)
        personas = persona_strategy(op.path)
        names = _path_names(op.path)
        fields = [f for f in _body_properties(raw) if f in VALID_FIELDS]
        # Real ids, client_ids and field values get past authentication, lookups and
        # validation to the handlers' deeper paths.
        keep = 0.7 if mode is GenerationMode.POSITIVE else 0.3

        @_settings(examples, seed_value)
        @hypothesis.given(data=st.data())
        def run(data: st.DataObject) -> None:
            case = data.draw(strategy, label="case")
            persona = data.draw(personas, label="persona")
            for name in names:
                if data.draw(st.floats(0, 1), label=f"{name}?") < keep:
                    case.path_parameters[name] = data.draw(
                        st.sampled_from(self.values[name]), label=name
                    )
            if isinstance(case.body, dict):
                for name in fields:
                    if data.draw(st.floats(0, 1), label=f"{name}?") < keep:
                        case.body[name] = data.draw(VALID_FIELDS[name], label=name)
            self.send_case(label, case, persona)

        try:
            run()
        except Unsatisfiable:
            return False
        return True

    def fuzz_hostile(self, op: schemathesis.APIOperation, examples: int, seed_value: int) -> None:
        """This file's own strategies: odd path segments, bodies, headers and queries."""
        label, template = op.label, op.path
        personas = persona_strategy(template)
        names = _path_names(template)
        segment = st.one_of(
            st.sampled_from(HOSTILE_SEGMENTS),
            st.text(max_size=30).map(_encode_segment),
            st.integers().map(str),
        )
        fields = st.dictionaries(
            st.sampled_from(FIELDS),
            st.one_of(
                st.sampled_from(HOSTILE_JSON_VALUES),
                st.text(max_size=20),
                st.lists(st.text(max_size=10), max_size=4),
            ),
            max_size=4,
        )
        body = st.one_of(
            st.none(),
            st.sampled_from(RAW_BODIES),
            fields.map(lambda d: json.dumps(d).encode()),  # lone surrogates become \\udXXX
        )

        @_settings(examples, seed_value)
        @hypothesis.given(data=st.data())
        def run(data: st.DataObject) -> None:
            params = {}
            for name in names:
                real = data.draw(st.booleans(), label=f"{name} real?")
                params[name] = data.draw(
                    st.sampled_from(self.values[name]) if real else segment, label=name
                )
            persona = data.draw(personas, label="persona")
            headers = persona.headers(self.store)
            headers.update(data.draw(st.sampled_from([{}, {}, *ODD_HEADERS]), label="headers"))
            method = data.draw(st.sampled_from([op.method.upper()] * 8 + ["HEAD", "OPTIONS"]))
            raw = data.draw(body, label="body")
            if raw is not None and "Content-Type" not in headers:
                headers["Content-Type"] = "application/json"
            query = data.draw(st.sampled_from(["", "", "", *ODD_QUERIES]), label="query")
            path = API_PREFIX + _fill(template, params)
            self.send_raw(label, Request(method, path, query, headers, raw))

        run()

    def corpus(self, op: schemathesis.APIOperation) -> Iterator[Request]:
        """Every hostile segment in every path parameter, then every raw body; valid auth."""
        template = op.path
        method = op.method.upper()
        names = _path_names(template)
        good = personas_for(template)[0][0]
        defaults = {name: self.values[name][0] for name in names}
        for name in names:
            for value in HOSTILE_SEGMENTS:
                headers = good.headers(self.store)
                path = API_PREFIX + _fill(template, {**defaults, name: value})
                yield Request(
                    method, path, "", headers, b"{}" if method in ("POST", "PUT", "PATCH") else None
                )
        if method in ("POST", "PUT", "PATCH"):
            for raw in RAW_BODIES:
                headers = {**good.headers(self.store), "Content-Type": "application/json"}
                yield Request(method, API_PREFIX + _fill(template, defaults), "", headers, raw)
        if method == "GET":
            for query in ODD_QUERIES:
                yield Request(
                    method, API_PREFIX + _fill(template, defaults), query, good.headers(self.store)
                )

    def run_corpus(self, op: schemathesis.APIOperation) -> None:
        for request in self.corpus(op):
            self.send_raw(op.label, request)


def _settings(examples: int, seed_value: int) -> Callable[[Callable[..., None]], Any]:
    conf = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],  # nothing is raised: every finding is kept, none shrunk
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )

    def decorate(test: Callable[..., None]) -> Any:
        return hypothesis.seed(seed_value)(conf(test))

    return decorate


def _negatable(operation: dict[str, Any]) -> bool:
    """Whether schemathesis can make negative data: a body, or a parameter not just any string."""
    if "requestBody" in operation:
        return True
    return any(
        {k: v for k, v in p.get("schema", {}).items() if k != "default"} != {"type": "string"}
        for p in operation.get("parameters", [])
    )


def _body_properties(operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return list(schema.get("properties", {}))


def _path_names(template: str) -> list[str]:
    return [part[1:-1] for part in template.split("/") if part.startswith("{")]


def _fill(template: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        template = template.replace("{" + name + "}", value)
    return template


def _encode_segment(text: str) -> str:
    return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")


def _json_ok(method: str, outcome: Outcome) -> bool:
    """Every answer with a body is JSON (HEAD, 204 and 304 carry none)."""
    if method == "HEAD" or outcome.status in (204, 304) or not outcome.body:
        return method == "HEAD" or outcome.status in (204, 304)
    if not outcome.headers.get("content-type", "").startswith("application/json"):
        return False
    try:
        json.loads(outcome.body)
    except ValueError:
        return False
    return True


def _schema_violation(request: Request, outcome: Outcome) -> str:
    """What the description (with the errata) says is wrong with a JSON answer; "" if nothing."""
    if outcome.status is None or not _json_ok(request.method, outcome) or not outcome.body:
        return ""
    if request.method == "HEAD" or not request.path.startswith(API_PREFIX + "/"):
        return ""
    path = urllib.parse.unquote(request.path[len(API_PREFIX) :])
    try:
        openapi.validate(request.method, path, outcome.status, json.loads(outcome.body))
    except AssertionError as error:
        return _clip(str(error), 300)
    return ""


def _fake_frames(error: BaseException) -> list[traceback.FrameSummary]:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/fake_ghe/" in f.filename.replace("\\", "/")]
    return ours or list(frames)


def _exception_key(error: BaseException) -> tuple[str, ...]:
    frames = _fake_frames(error)
    last = frames[-1] if frames else None
    where = f"{Path(last.filename).name}:{last.name}" if last else "?"
    return type(error).__name__, where


def _describe_exception(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    lines = [f"{type(error).__name__}: {_clip(str(error), 200)}"]
    for frame in frames:
        try:
            shown = str(Path(frame.filename).resolve().relative_to(ROOT))
        except ValueError:
            shown = frame.filename
        lines.append(f"      {shown}:{frame.lineno} in {frame.name}: {frame.line}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ running


def run(
    examples: int,
    seed_value: int,
    *,
    reset_every: int = 50,
    hostile_examples: int | None = None,
    labels: Sequence[str] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Fuzzer:
    """Fuzz the operations named by ``labels`` (all when None); the fuzzer holds the results."""
    # The fake logs every 500 with its traceback; findings are reported here instead. Put
    # back afterwards: in a test run the logger is shared with every other test.
    logger = logging.getLogger("fake_ghe")
    was_disabled, logger.disabled = logger.disabled, True
    try:
        return _run(examples, seed_value, reset_every, hostile_examples, labels, log)
    finally:
        logger.disabled = was_disabled


def _run(
    examples: int,
    seed_value: int,
    reset_every: int,
    hostile_examples: int | None,
    labels: Sequence[str] | None,
    log: Callable[[str], None],
) -> Fuzzer:
    fuzzer = Fuzzer(reset_every=reset_every)
    hostile = examples if hostile_examples is None else hostile_examples
    for op in fuzzer.operations:
        if labels is not None and op.label not in labels:
            continue
        before = fuzzer.requests
        fuzzer.run_corpus(op)
        made = [
            mode.value
            for mode in GenerationMode
            if fuzzer.fuzz_schema(op, mode, examples, seed_value)
        ]
        fuzzer.fuzz_hostile(op, hostile, seed_value)
        log(
            f"  {op.label:<55} {fuzzer.requests - before:>6} requests "
            f"(schemathesis: {', '.join(made)})"
        )
    return fuzzer


def report(fuzzer: Fuzzer, elapsed: float) -> str:
    lines = []
    for number, finding in enumerate(fuzzer.failures, 1):
        status = f" -> {finding.status}" if finding.status is not None else ""
        lines.append(
            f"[{number}] {finding.kind} in {finding.operation}{status} "
            f"(seen {finding.count}x); smallest request:"
        )
        if len(finding.operations) > 1:
            lines.append(f"    operations: {', '.join(sorted(finding.operations))}")
        lines.append(finding.request.describe())
        lines.append(f"    {finding.detail}")
    by_kind: dict[str, int] = {}
    for finding in fuzzer.failures:
        by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(fuzzer.statuses.items()))
    lines += [
        "",
        f"operations covered: {len(fuzzer.covered)}/{len(fuzzer.operations)}",
        f"requests sent:      {fuzzer.requests}",
        f"statuses:           {statuses}",
        f"500s found:         {by_kind.get('500', 0)} distinct",
        f"schema violations:  {by_kind.get('schema', 0)} distinct",
        f"other findings:     exceptions {by_kind.get('exception', 0)}, "
        f"non-JSON {by_kind.get('non-json', 0)}, slow (> {fuzzer.slow_seconds:g} s) "
        f"{by_kind.get('slow', 0)}",
        f"time taken:         {elapsed:.1f} s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=100,
        help="examples per operation for each of positive, negative, hostile",
    )
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed")
    parser.add_argument(
        "--reset-every", type=int, default=50, help="reset and reseed the store every K requests"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per operation")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    fuzzer = run(
        args.examples,
        args.seed,
        reset_every=args.reset_every,
        log=print if args.verbose else lambda _: None,
    )
    print(report(fuzzer, time.perf_counter() - started))
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
