"""An injectable clock: real time by default, frozen, set or advanced on request.

It drives created_at/updated_at, TOTP windows and login lockouts, so a test can move time
instead of sleeping.
"""

from __future__ import annotations

import functools
import threading
from datetime import datetime, timedelta, timezone


def utc(moment: datetime | str) -> datetime:
    """``moment`` as an aware UTC datetime; a naive one is taken to be UTC already.

    An ISO 8601 string (``2019-09-01T12:00:00Z``) is accepted too, as the CLI and the admin
    API take one: tests naturally write ``clock.freeze("2019-09-01T12:00:00Z")``.
    """
    if isinstance(moment, str):
        text = moment.strip().replace("Z", "+00:00").replace("z", "+00:00")
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class Clock:
    """Real UTC time plus an offset, or a frozen instant."""

    def __init__(self, frozen_at: datetime | str | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen: datetime | None = utc(frozen_at) if frozen_at else None
        self._offset = timedelta()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(timezone.utc) + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self, at: datetime | str | None = None) -> datetime:
        """Stop time at ``at`` (default: now) until ``unfreeze``."""
        moment = utc(at) if at else self.now()
        with self._lock:
            self._frozen = moment
        return moment

    def reset(self) -> None:
        """Back to real time: not frozen, no offset."""
        with self._lock:
            self._frozen = None
            self._offset = timedelta()

    def unfreeze(self) -> None:
        """Let time run again from where it stands."""
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - datetime.now(timezone.utc)
                self._frozen = None

    def set(self, at: datetime | str) -> datetime:
        """Jump to ``at``; a frozen clock stays frozen, a running one runs on from there."""
        moment = utc(at)
        with self._lock:
            if self._frozen is not None:
                self._frozen = moment
            else:
                self._offset = moment - datetime.now(timezone.utc)
        return moment

    def advance(self, seconds: float | timedelta = 0, **delta: float) -> datetime:
        """Move forward by ``seconds`` or a timedelta (and/or ``minutes=``, ``hours=``, ...)."""
        if isinstance(seconds, timedelta):
            step = seconds + timedelta(**delta)
        else:
            step = timedelta(seconds=seconds, **delta)
        with self._lock:
            if self._frozen is not None:
                self._frozen += step
                return self._frozen
            self._offset += step
        return self.now()


# Cached: strftime was a tenth of a list's cost (two per item), and timestamps repeat (each
# record's created_at and updated_at, request after request). A pure function of an immutable
# value: equal instants give the same text whatever their time zone, so nothing can go stale.
@functools.lru_cache(maxsize=4096)
def iso(moment: datetime) -> str:
    """GitHub's timestamp format: ``2011-09-06T17:26:27Z``."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
