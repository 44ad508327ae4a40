"""Times for the fake's clock from people (admin API, ``--freeze-time``): parsed once, kept sane."""

from __future__ import annotations

from datetime import datetime, timezone

from ..clock import iso, utc

# [decision] The clock is kept between these. Far beyond them, ordinary arithmetic on "now"
# (lockouts, token windows, a rate-limit window of up to a year) overflows datetime, and every
# later GHE request would be a 500. No real GHE 2.18 clock was ever outside them either.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
RANGE = f"between {iso(EARLIEST)} and {iso(LATEST)}"


def parse_moment(text: str) -> datetime:
    """An ISO 8601 time as aware UTC (``Z`` or no offset: UTC); ValueError if it is not one."""
    try:
        return utc(text)
    except OverflowError:
        # e.g. 0001-01-01T00:00:00+01:00: a valid string whose UTC time does not exist.
        raise ValueError(f"{text!r} is out of range") from None


def in_range(moment: datetime) -> bool:
    return EARLIEST <= moment <= LATEST
