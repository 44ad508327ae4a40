"""Plain records of the fake's world: users, OAuth apps, authorizations, grants.

Every record is an immutable snapshot (a frozen dataclass; scopes a tuple): what a test holds
keeps the values it had when it was handed out, and changes only through the store's verbs,
which validate and then *replace* the record (``dataclasses.replace``). No behaviour lives
here beyond derived fields; ``fake_ghe.store`` owns every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The client_id GHE showed in the `app` of a personal access token.
PERSONAL_CLIENT_ID = "00000000000000000000"
TWO_FACTOR_TYPES = ("app", "sms")


@dataclass(frozen=True, slots=True)
class TwoFactor:
    """TOTP two-factor auth: ``type`` is how the user gets codes (``app`` or ``sms``)."""

    type: str
    secret: str


# Which incarnation of which store made a record (``State.reset`` starts a new one). Not shown
# and not compared: two equal snapshots are equal whoever made them, but a verb handed a user
# or an app from before a reset (whose id may be someone else's now) can tell and refuse it.
def _origin_field() -> Any:
    return field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    login: str
    password: str = field(repr=False)
    site_admin: bool = False
    name: str | None = None
    email: str | None = None
    two_factor: TwoFactor | None = None
    created_at: datetime | None = None
    _origin: object = _origin_field()


@dataclass(frozen=True, slots=True)
class OAuthApp:
    id: int
    name: str
    url: str
    client_id: str
    client_secret: str = field(repr=False)
    created_at: datetime | None = None
    # Where the web flow sends the user back (the app's "Authorization callback URL"); a
    # redirect_uri must be it or a URL under it. None: the web flow refuses the app.
    callback_url: str | None = None
    # A site admin's suspension: the web flow redirects with error=application_suspended.
    suspended: bool = False
    _origin: object = _origin_field()


@dataclass(frozen=True, slots=True)
class Authorization:
    """One OAuth token. ``client_id`` is None for a personal access token."""

    id: int
    user_id: int
    client_id: str | None
    token: str = field(repr=False)
    hashed_token: str
    scopes: tuple[str, ...]
    note: str | None
    note_url: str | None
    fingerprint: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def token_last_eight(self) -> str:
        return self.token[-8:]

    @property
    def personal(self) -> bool:
        return self.client_id is None

    @property
    def group(self) -> str:
        """The application it is listed under (personal tokens share one group)."""
        return self.client_id or PERSONAL_CLIENT_ID


@dataclass(frozen=True, slots=True)
class Grant:
    """A user's authorization of one OAuth app; its scopes are derived from the app's tokens."""

    id: int
    user_id: int
    client_id: str
    created_at: datetime
    updated_at: datetime
