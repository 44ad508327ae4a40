"""What happened, for tests to assert on: domain events and redacted HTTP calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import NamedTuple

from .errors import UsageError

# How an authorization ended or changed, as the plugin's assertions name it.
CREATED = "created"
UPDATED = "updated"
RESET = "reset"
REVOKED = "revoked"

# Causes of a revocation (or reset).
USER_DELETE = "user_delete"  # DELETE /authorizations/{id}
GRANT_DELETE = "grant_delete"  # DELETE /applications/grants/{id}, cascading to its tokens
APP_REVOKE = "app_revoke"  # DELETE /applications/{client_id}/tokens/{token}
APP_GRANT_REVOKE = "app_grant_revoke"  # DELETE /applications/{client_id}/grants/{token}
APP_RESET = "app_reset"  # POST /applications/{client_id}/tokens/{token}
WEB_FLOW = "web_flow"  # created: the user authorized the app at /login/oauth/authorize
TOKEN_LIMIT = "token_limit"  # revoked: oldest of over ten web-flow tokens of the same scopes


class Event(NamedTuple):
    """A change to one authorization. Never carries the full token: only its hash and last eight."""

    seq: int
    at: datetime
    kind: str
    authorization_id: int
    user: str
    client_id: str | None
    app_name: str | None
    token_last_eight: str
    hashed_token: str
    cause: str | None
    actor: str


class Call(NamedTuple):
    """One HTTP request the fake answered, with secrets redacted from the path."""

    seq: int
    at: datetime
    method: str
    path: str
    status: int  # 0 when the connection was dropped without an answer
    # Who signed in; on a failed sign-in who tried, "octocat (failed)" (fake_ghe.auth.attempted).
    principal: str | None


# [decision] Entries each journal keeps by default: a long `fake-ghe serve` run keeps the newest
# 10,000 calls (about 4 MB) and counts the rest, instead of growing without bound.
DEFAULT_LIMIT = 10_000


class Reset(NamedTuple):
    """A reset of the fake, as the journals see it: it took sequence number ``seq`` (so a
    client polling ``since=N`` learns of it) and everything before it was forgotten."""

    seq: int
    at: datetime


class Journal:
    """Two bounded, append-only lists; the store appends under its lock, readers get snapshots.

    Each keeps its newest ``limit`` entries; ``dropped_events`` / ``dropped_calls`` count what
    fell off since the last reset. Sequence numbers never restart: ``clear()`` (a reset)
    takes one of each sequence itself, once anything was recorded, and notes it in
    ``event_reset`` / ``call_reset``.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = check_limit(limit)
        self.events: list[Event] = []
        self.calls: list[Call] = []
        self.dropped_events = 0
        self.dropped_calls = 0
        self.event_reset: Reset | None = None
        self.call_reset: Reset | None = None
        self._event_seq = 0
        self._call_seq = 0

    def clear(self, at: datetime | None = None) -> None:
        # Only when something was recorded since the last reset: one reset of the fake empties
        # the store more than once, and a fresh journal has nothing to mark.
        moment = at or datetime.now(timezone.utc)
        if self._event_seq > (self.event_reset.seq if self.event_reset else 0):
            self._event_seq += 1
            self.event_reset = Reset(self._event_seq, moment)
        if self._call_seq > (self.call_reset.seq if self.call_reset else 0):
            self._call_seq += 1
            self.call_reset = Reset(self._call_seq, moment)
        self.events.clear()
        self.calls.clear()
        self.dropped_events = self.dropped_calls = 0

    def event(self, **fields: object) -> Event:
        self._event_seq += 1
        event = Event(seq=self._event_seq, **fields)  # type: ignore[arg-type]
        self.events.append(event)
        if len(self.events) > self.limit:
            del self.events[0]
            self.dropped_events += 1
        return event

    def call(self, **fields: object) -> Call:
        self._call_seq += 1
        call = Call(seq=self._call_seq, **fields)  # type: ignore[arg-type]
        self.calls.append(call)
        if len(self.calls) > self.limit:
            del self.calls[0]
            self.dropped_calls += 1
        return call

    def set_limit(self, limit: int) -> None:
        """Keep at most ``limit`` entries of each from now on (the oldest go, counted)."""
        self.limit = check_limit(limit)
        for name in ("events", "calls"):
            entries: list[object] = getattr(self, name)
            extra = len(entries) - self.limit
            if extra > 0:
                del entries[:extra]
                setattr(self, f"dropped_{name}", getattr(self, f"dropped_{name}") + extra)

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self.events))


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"a journal limit must be a whole number of at least 1, not {limit!r}")
    return limit
