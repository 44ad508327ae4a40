"""The fuzzer: schemathesis', hostile and fixed-corpus requests for each operation, sent to the
fake over WSGI, and what it found.

Imported by ``fuzz_openapi.py``, which puts the repository root on ``sys.path`` first.
"""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import schemathesis
from flask import Flask
from fuzz_findings import (
    Finding,
    Outcome,
    Request,
    clip,
    describe_exception,
    exception_key,
    json_ok,
    schema_violation,
)
from fuzz_inputs import (
    FIELDS,
    HOSTILE_JSON_VALUES,
    HOSTILE_SEGMENTS,
    ODD_HEADERS,
    ODD_QUERIES,
    RAW_BODIES,
    VALID_FIELDS,
    real_values,
)
from fuzz_world import (
    API_PREFIX,
    BASE_URL,
    SLOW_SECONDS,
    START,
    Persona,
    persona_strategy,
    personas_for,
    seed,
)
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from fake_ghe import Clock, Config, Store, create_app
from tests import openapi  # the description with the errata applied


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
                    detail=clip(outcome.body.decode("utf-8", "replace"), 300),
                )
        elif new_errors:  # recorded by the fake but answered otherwise
            for error in new_errors:
                self.record("exception", label, request, outcome.status, error)
        if outcome.status is not None and not json_ok(request.method, outcome):
            content_type = outcome.headers.get("content-type", "")
            self.record(
                "non-json",
                label,
                request,
                outcome.status,
                detail=f"Content-Type {content_type!r}, body " + clip(repr(outcome.body), 200),
                key_extra=content_type,
            )
        violation = schema_violation(request, outcome)
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
            detail = describe_exception(error)
            key: tuple[str, ...] = (kind, *exception_key(error))
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
