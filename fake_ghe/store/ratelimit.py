"""The per-user rate limit: a budget of requests per window, off unless turned on."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from ..errors import NotFound, RateLimited
from ..model import User
from .state import State

# GitHub's usual hourly budget for an authenticated user.
DEFAULT_LIMIT = 5000


class RateLimit(NamedTuple):
    """A user's rate-limit budget: what X-RateLimit-Limit/Remaining/Reset report."""

    limit: int
    remaining: int
    reset_at: datetime


class RateLimits(State):
    def _reset_extras(self) -> None:
        super()._reset_extras()
        self._rate_limit: int | None = None
        self._rate_window = timedelta(hours=1)
        self._rate_buckets: dict[int, tuple[int, datetime]] = {}

    def set_rate_limit(self, limit: int | None, window: timedelta = timedelta(hours=1)) -> None:
        """Turn rate limiting on (``limit`` requests per user per ``window``) or off (None)."""
        with self.lock:
            self._rate_limit = limit
            self._rate_window = window
            self._rate_buckets.clear()

    def exhaust_rate_limit(self, login: str | None = None) -> None:
        """Use up the limit of ``login`` (or of every user); turns limiting on if it was off."""
        with self.lock:
            if login:
                user = self._users_by_login.get(login.lower())
                if user is None:  # a lookup, not seeding: LookupError like every unknown name
                    raise NotFound(f"no user {login!r}")
                users = [user]
            else:
                users = list(self._users.values())
            if self._rate_limit is None:
                self._rate_limit = DEFAULT_LIMIT
            reset_at = self.clock.now() + self._rate_window
            for user in users:
                self._rate_buckets[user.id] = (0, reset_at)

    def consume_rate_limit(self, user: User) -> RateLimit | None:
        """Count a request of ``user``; where its budget stands after it, or None when
        limiting is off. Raises RateLimited when the budget was already spent."""
        with self.lock:
            if self._rate_limit is None:
                return None
            now = self.clock.now()
            remaining, reset_at = self._rate_buckets.get(user.id, (self._rate_limit, now))
            if now >= reset_at:
                remaining, reset_at = self._rate_limit, now + self._rate_window
            if remaining <= 0:
                raise RateLimited(user.id, RateLimit(self._rate_limit, 0, reset_at))
            self._rate_buckets[user.id] = (remaining - 1, reset_at)
            return RateLimit(self._rate_limit, remaining - 1, reset_at)
