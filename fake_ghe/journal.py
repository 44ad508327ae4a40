"""What happened, for tests to assert on: domain events and redacted HTTP calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

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
    principal: str | None


class Journal:
    """Append-only lists; the store appends under its lock, readers get snapshots."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.calls: list[Call] = []

    def clear(self) -> None:
        self.events.clear()
        self.calls.clear()

    def event(self, **fields: object) -> Event:
        event = Event(seq=len(self.events) + 1, **fields)  # type: ignore[arg-type]
        self.events.append(event)
        return event

    def call(self, **fields: object) -> Call:
        call = Call(seq=len(self.calls) + 1, **fields)  # type: ignore[arg-type]
        self.calls.append(call)
        return call

    def __iter__(self) -> Iterator[Event]:
        return iter(list(self.events))
