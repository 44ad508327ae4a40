"""What the authentication test modules share: TOTP codes and raw Authorization headers."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from .conftest import (
    START,
    TOTP_SECRET,
)

TOTP = pyotp.TOTP(TOTP_SECRET)


def code(offset_seconds: int = 0) -> str:
    """The code an authenticator showed ``offset_seconds`` from the frozen start."""
    return TOTP.at(START + timedelta(seconds=offset_seconds))


def otp(value: str) -> dict[str, str]:
    return {"X-GitHub-OTP": value}


def raw_auth(value: str) -> dict[str, str]:
    return {"Authorization": value}
