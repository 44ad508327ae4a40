"""The admin API: seed, reset, inspect and break a running fake over HTTP (JSON)."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, request

from ..api import context
from ..clock import iso
from ..errors import NotFound
from ..scenario import Loaded, Scenario, ScenarioError, load_scenario
from ..scenario.reader import MAX_BYTES, read_bytes
from . import guard, moments, state
from .jsonio import AdminError, answer, check_keys, json_object

bp = Blueprint("fake_ghe_admin", __name__)
bp.before_request(guard.same_origin_only)

FAULT_KEYS = (
    "method",
    "path",
    "status",
    "message",
    "body",
    "headers",
    "delay",
    "disconnect",
    "times",
)
ADVANCE_KEYS = ("seconds", "minutes", "hours", "days")
# [decision] A rate-limit window from a second to a year: GHE's was an hour; past a year the
# reset time overflows datetime.
MAX_WINDOW = 365 * 24 * 3600


# ------------------------------------------------------------------ state as a whole


@bp.post("/reset")
def reset() -> Response:
    """Back to how the fake started (``Runtime.reset``); answers how many of each there are."""
    runtime = context()
    with runtime.store.lock:  # the counts are of the fresh state, not of a request after it
        runtime.reset()
        return answer(counts(state.snapshot(runtime)))


@bp.post("/scenario")
def scenario() -> Response:
    """Add a YAML (or JSON) scenario, all or nothing; ``?replace=true`` empties the store first."""
    replace = request.args.get("replace", "").lower() in ("1", "true", "yes")
    try:
        loaded = load_scenario(context().store, body_scenario(), replace=replace)
    except ScenarioError as error:
        problems = error.problems
        raise AdminError(
            f"the scenario has {len(problems)} problem{'s' if len(problems) > 1 else ''}; "
            "nothing was loaded",
            errors=[str(problem) for problem in problems],
        ) from None
    return answer(loaded_data(loaded))


def body_scenario() -> Scenario:
    """The body as a scenario, YAML or JSON alike, with the reader's limits and line numbers."""
    length = request.content_length
    if length is not None and length <= MAX_BYTES:
        raw = request.get_data(cache=True)
    else:
        # No length (chunked) or too long: never take in more than the reader will look at.
        raw = request.stream.read(MAX_BYTES + 1)
    return read_bytes(raw)


def loaded_data(loaded: Loaded) -> dict[str, Any]:
    """What a scenario made, full tokens included: the one time they are shown, as on create."""
    return {
        "users": [user.login for user in loaded.users],
        "oauth_apps": [
            {"name": app.name, "client_id": app.client_id, "client_secret": app.client_secret}
            for app in loaded.apps
        ],
        "authorizations": [
            {
                "id": auth.id,
                "user": _login(auth.user_id),
                "app": auth.client_id,
                "note": auth.note,
                "scopes": list(auth.scopes),
                "token": auth.token,
            }
            for auth in loaded.authorizations
        ],
    }


def _login(user_id: int) -> str:
    user = context().store.user_by_id(user_id)
    return user.login if user else ""


def counts(snapshot: dict[str, Any]) -> dict[str, int]:
    return {key: len(snapshot[key]) for key in ("users", "oauth_apps", "grants", "authorizations")}


@bp.get("/state")
def get_state() -> Response:
    return answer(state.snapshot(context()))


# ------------------------------------------------------------------ journals


@bp.get("/events")
def events() -> Response:
    """The domain journal: what happened to which token, oldest first; ``?since=SEQ``."""
    return _listing(state.events_since(context().store, _since()))


@bp.get("/calls")
def calls() -> Response:
    """The GHE requests the fake answered (secrets masked), oldest first; ``?since=SEQ``."""
    return _listing(state.calls_since(context().store, _since()))


# How many entries fell off the bounded journal since the last reset (the list holds the rest).
DROPPED_HEADER = "X-Fake-GHE-Dropped"


def _listing(listing: state.Listing) -> Response:
    response = answer(listing.entries)
    response.headers[DROPPED_HEADER] = str(listing.dropped)
    return response


def _since() -> int:
    raw = request.args.get("since", "0")
    # ASCII digits only: str.isdigit() also takes "²" or "٣", which int() then refuses.
    if not (raw.isascii() and raw.isdigit()):
        raise AdminError(
            f"since must be a sequence number in ASCII digits (0 or more), not {raw!r}", status=400
        )
    return int(raw)


# ------------------------------------------------------------------ faults


@bp.get("/faults")
def list_faults() -> Response:
    return answer([fault.describe() for fault in context().faults.armed()])


@bp.post("/faults")
def add_fault() -> Response:
    """Arm a fault (the arguments of ``Faults.add``): the next ``times`` matching requests fail."""
    body = json_object()
    check_keys(body, FAULT_KEYS)
    kwargs: dict[str, Any] = {
        "method": _typed(body, "method", str, "a string", "*"),
        "path": _typed(body, "path", str, "a string", "*"),
        "status": _int(body, "status", None),
        "message": _typed(body, "message", str, "a string", None),
        "body": body.get("body"),
        "headers": _headers(body),
        "delay": _number(body, "delay", 0.0),
        "disconnect": _typed(body, "disconnect", bool, "true or false", False),
        "times": _int(body, "times", 1),
    }
    try:
        fault = context().faults.add(**kwargs)
    except ValueError as error:
        raise AdminError(str(error)) from None
    return answer(fault.describe(), 201)


@bp.delete("/faults")
def clear_faults() -> Response:
    context().faults.clear()
    return answer([])


# ------------------------------------------------------------------ clock


@bp.get("/clock")
def get_clock() -> Response:
    return answer(state.clock_data(context().store))


@bp.post("/clock/freeze")
def freeze() -> Response:
    """Stop time, at ``{"at": ISO time}`` or now."""
    body = json_object()
    check_keys(body, ("at",))
    context().store.clock.freeze(_moment(body, required=False))
    return get_clock()


@bp.post("/clock/unfreeze")
def unfreeze() -> Response:
    check_keys(json_object(), ())
    context().store.clock.unfreeze()
    return get_clock()


@bp.post("/clock/set")
def set_clock() -> Response:
    """Jump to ``{"at": ISO time}``; a frozen clock stays frozen."""
    body = json_object()
    check_keys(body, ("at",))
    moment = _moment(body, required=True)
    assert moment is not None
    context().store.clock.set(moment)
    return get_clock()


@bp.post("/clock/advance")
def advance() -> Response:
    """Move time on by ``{"seconds": N}`` (and/or minutes, hours, days)."""
    body = json_object()
    check_keys(body, ADVANCE_KEYS)
    if not body:
        raise AdminError(f"say how far: one or more of {', '.join(ADVANCE_KEYS)}")
    steps = {key: _number(body, key, 0.0) for key in body}
    clock = context().store.clock
    try:
        target = clock.now() + timedelta(**steps)
    except OverflowError:
        target = None
    if target is None or not moments.in_range(target):
        raise AdminError(f"that is further than the clock can go: it stays {moments.RANGE}")
    clock.advance(**steps)
    return get_clock()


def _moment(body: dict[str, Any], *, required: bool) -> datetime | None:
    raw = body.get("at")
    if raw is None:
        if required:
            raise AdminError('give the time as {"at": "2019-09-01T12:00:00Z"}')
        return None
    if not isinstance(raw, str):
        raise AdminError(f"at must be an ISO 8601 time string, not {json.dumps(raw)}")
    try:
        moment = moments.parse_moment(raw)
    except ValueError:
        raise AdminError(
            f"at must be an ISO 8601 time like 2019-09-01T12:00:00Z, not {raw!r}"
        ) from None
    if not moments.in_range(moment):
        raise AdminError(f"at must be {moments.RANGE}, not {raw!r}")
    return moment


# ------------------------------------------------------------------ rate limit, two-factor


@bp.post("/rate_limit")
def rate_limit() -> Response:
    """Turn rate limiting on (``{"limit": N, "window": seconds}``) or off (``{"limit": null}``)."""
    body = json_object()
    check_keys(body, ("limit", "window"))
    if "limit" not in body:
        raise AdminError('give the limit: {"limit": 60} (requests per user per window) or null')
    limit = _int(body, "limit", None)
    if limit is not None and limit < 1:
        raise AdminError("limit must be at least 1 (or null to turn rate limiting off)")
    window = _number(body, "window", 3600.0)
    if not 1 <= window <= MAX_WINDOW:
        raise AdminError(
            f"window must be a positive number of seconds, from 1 to {MAX_WINDOW} (a year)"
        )
    context().store.set_rate_limit(limit, timedelta(seconds=window))
    return answer({"limit": limit, "window": window})


@bp.post("/rate_limit/exhaust")
def exhaust_rate_limit() -> Response:
    """Use up the limit of ``{"login": ...}`` (or of every user): their next request gets 403."""
    body = json_object()
    check_keys(body, ("login",))
    login = _typed(body, "login", str, "a string", None)
    try:
        context().store.exhaust_rate_limit(login)
    except NotFound as error:  # still a 422, as before lookups raised NotFound
        raise AdminError(str(error)) from None
    return answer({"exhausted": login or "*"})


@bp.get("/otp/<login>")
def otp(login: str) -> Response:
    """A valid code for a two-factor user now, and the codes "texted" to an SMS user."""
    store = context().store
    with store.lock:
        user = store.user(login)
        if user is None:
            raise AdminError(f"no user {login!r}", status=404)
        if user.two_factor is None:
            raise AdminError(f"user {user.login!r} has no two-factor authentication", status=404)
        return answer(
            {
                "login": user.login,
                "type": user.two_factor.type,
                "code": store.otp(user.login),
                "sms_codes": list(store.sms_codes.get(user.login, [])),
                "at": iso(store.clock.now()),
            }
        )


# ------------------------------------------------------------------ body fields


def _typed(body: dict[str, Any], key: str, kind: type, what: str, default: Any) -> Any:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise AdminError(f"{key} must be {what}, not {json.dumps(value)}")
    return value


def _int(body: dict[str, Any], key: str, default: int | None) -> int | None:
    if key in body and body[key] is None:
        return None
    value: int | None = _typed(body, key, int, "a whole number", default)
    return value


def _number(body: dict[str, Any], key: str, default: float) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise AdminError(f"{key} must be a number, not {json.dumps(value)}")
    return float(value)


def _headers(body: dict[str, Any]) -> dict[str, str]:
    value = body.get("headers")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise AdminError('headers must be an object of strings, like {"Retry-After": "30"}')
    return value
