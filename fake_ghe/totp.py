"""TOTP codes for two-factor users, checked against the fake's clock."""

from __future__ import annotations

import binascii
from datetime import datetime

import pyotp

# GHE accepted a code in its 30 s window and one window either side, reusable within it
# (clients cache the code across requests). [GHE_BEHAVIOR: client; decision ±1 window]
VALID_WINDOW = 1


def check_secret(secret: str) -> str | None:
    """Why pyotp would refuse ``secret`` (not base32, or under its 112-bit minimum), or None."""
    if not isinstance(secret, str) or not secret:
        return "must be a non-empty base32 string"
    try:
        pyotp.TOTP(secret).at(0)
    except (binascii.Error, ValueError) as error:
        return f"is not a usable TOTP secret ({error})"
    return None


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def verify(secret: str, code: str, moment: datetime, window: int = VALID_WINDOW) -> bool:
    """Whether ``code`` is the code at ``moment`` or within ``window`` 30 s steps of it."""
    code = code.strip()
    # ASCII digits only: str.isdigit() admits "²³", which pyotp's NFKC would then read as 23.
    if not (code.isascii() and code.isdigit()):
        return False
    return pyotp.TOTP(secret).verify(code, for_time=moment, valid_window=window)
