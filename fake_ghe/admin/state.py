"""The fake's state as plain data, for the admin API and the state page alike.

Never a full token: authorizations show ``token_last_eight`` and ``hashed_token`` only, as
GHE's own lists did. The one exception is the answer to a scenario load (see api.py), the
moment the tokens are made, as GHE shows a new token once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..clock import iso
from ..journal import Call, Event, Reset
from ..model import Authorization, Grant, OAuthApp, User
from ..runtime import Runtime
from ..store import Store


def snapshot(fake: Runtime) -> dict[str, Any]:
    """Users, OAuth apps, grants, authorizations, faults and the clock, read under one lock."""
    store = fake.store
    with store.lock:
        logins = {user.id: user.login for user in store.users()}
        auths = store.authorizations()
        tokens_of: dict[tuple[int, str | None], list[int]] = {}
        for auth in auths:
            tokens_of.setdefault((auth.user_id, auth.client_id), []).append(auth.id)
        return {
            "users": [user_data(store, user) for user in store.users()],
            "oauth_apps": [app_data(app) for app in store.oauth_apps()],
            "grants": [
                grant_data(store, grant, logins, tokens_of.get((grant.user_id, grant.client_id)))
                for grant in store.grants()
            ],
            "authorizations": [authorization_data(store, auth, logins) for auth in auths],
            "faults": [fault.describe() for fault in fake.faults.armed()],
            "clock": clock_data(store),
        }


def clock_data(store: Store) -> dict[str, Any]:
    return {"now": iso(store.clock.now()), "frozen": store.clock.frozen}


def user_data(store: Store, user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "login": user.login,
        "name": user.name,
        "email": user.email,
        "site_admin": user.site_admin,
        "two_factor": user.two_factor.type if user.two_factor else None,
        "locked": store.locked_until(user.login) is not None,
    }


def app_data(app: OAuthApp) -> dict[str, Any]:
    # The secret is shown: a test driving /applications/{client_id}/... needs it, and a
    # scenario may leave it to be generated.
    return {
        "id": app.id,
        "name": app.name,
        "url": app.url,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }


def grant_data(
    store: Store, grant: Grant, logins: dict[int, str], authorization_ids: list[int] | None
) -> dict[str, Any]:
    app = store.oauth_app(grant.client_id)
    return {
        "id": grant.id,
        "user": logins[grant.user_id],
        "app": grant.client_id,
        "app_name": app.name if app else None,
        "scopes": store.grant_scopes(grant),
        "authorizations": authorization_ids or [],
        "created_at": iso(grant.created_at),
        "updated_at": iso(grant.updated_at),
    }


def authorization_data(store: Store, auth: Authorization, logins: dict[int, str]) -> dict[str, Any]:
    app = store.oauth_app(auth.client_id) if auth.client_id else None
    grant = store.grant_for(auth)
    return {
        "id": auth.id,
        "user": logins[auth.user_id],
        "app": auth.client_id,
        "app_name": app.name if app else None,
        "grant": grant.id if grant else None,
        "note": auth.note,
        "note_url": auth.note_url,
        "fingerprint": auth.fingerprint,
        "scopes": list(auth.scopes),
        "token_last_eight": auth.token_last_eight,
        "hashed_token": auth.hashed_token,
        "created_at": iso(auth.created_at),
        "updated_at": iso(auth.updated_at),
    }


def event_data(event: Event) -> dict[str, Any]:
    return {**event._asdict(), "at": iso(event.at)}


def call_data(call: Call) -> dict[str, Any]:
    return {**call._asdict(), "at": iso(call.at)}


# How a reset of the whole fake reads in /events: it took a sequence number, so a client
# polling ``since=N`` sees it happen instead of silently missing what came before.
FAKE_RESET = "fake_reset"


class Listing(NamedTuple):
    """Journal entries after ``since``, as the admin API shows them, and how many fell off."""

    entries: list[dict[str, Any]]
    dropped: int


def events_since(store: Store, since: int) -> Listing:
    with store.lock:
        journal = store.journal
        found = [event_data(event) for event in journal.events if event.seq > since]
        return Listing(_with_reset(journal.event_reset, since, found), journal.dropped_events)


def calls_since(store: Store, since: int) -> Listing:
    with store.lock:
        journal = store.journal
        # A reset takes a call number too (the gap shows it), but /calls lists requests only.
        found = [call_data(call) for call in journal.calls if call.seq > since]
        return Listing(found, journal.dropped_calls)


def _with_reset(
    reset: Reset | None, since: int, entries: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if reset is None or reset.seq <= since:
        return entries
    # Every key an event has, so a client reading e["cause"] needs no special case.
    marker: dict[str, Any] = dict.fromkeys(Event._fields)
    marker.update(seq=reset.seq, at=iso(reset.at), kind=FAKE_RESET, actor="fake")
    return [marker, *entries]
