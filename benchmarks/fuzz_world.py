"""The fuzzer's seeded world: users (one with TOTP, one with SMS two-factor), two OAuth apps,
tokens and grants, and the credentials (personas) a request may carry.

Imported by ``fuzz_openapi.py``, which puts the repository root on ``sys.path`` first.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import strategies as st

from fake_ghe import Store
from fake_ghe.totp import code_at

ROOT = Path(__file__).resolve().parent.parent


API_PREFIX = "/api/v3"
BASE_URL = f"http://localhost{API_PREFIX}"
SLOW_SECONDS = 1.0
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)

# ------------------------------------------------------------------------------ the seeded world

USER, USER_PASS = "fuzzer", "fuzz-Passw0rd"
TOTP_USER, TOTP_PASS = "totpuser", "totp-pass"
SMS_USER, SMS_PASS = "smsuser", "sms-pass"
OTHER_USER, OTHER_PASS = "someone", "someone-pass"
TOTP_SECRET = "QZNUBO6YKLBTGLNP3DXTJD63MTZBPRGK"
CLIENT_ID, CLIENT_SECRET = "abcde12345fghij67890", "0123456789abcdef0123456789abcdef01234567"
OTHER_CLIENT_ID, OTHER_SECRET = "0f0f0f0f0f0f0f0f0f0f", "f" * 40
TOKENS = {
    "personal": "a" * 40,
    "app": "b" * 40,
    "app-fingerprint": "c" * 40,
    "other-user-app": "d" * 40,
    "totp-app": "e" * 40,
    "other-app": "1" * 40,
}
FINGERPRINT = "fuzz-fingerprint"


def seed(store: Store) -> None:
    """Users, apps, tokens and grants with fixed ids and token values (stable across resets)."""
    store.add_user(USER, USER_PASS, name="Fuzzer", email="fuzzer@example.com")
    store.add_user(TOTP_USER, TOTP_PASS, two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    store.add_user(SMS_USER, SMS_PASS, two_factor={"type": "sms", "totp_secret": TOTP_SECRET})
    store.add_user(OTHER_USER, OTHER_PASS, site_admin=True)
    store.add_app(
        "fuzz app", "http://fuzz.example.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    store.add_app(
        "other app",
        "http://other.example.com",
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_SECRET,
    )
    store.add_authorization(USER, scopes=["repo"], note="personal", token=TOKENS["personal"])
    store.add_authorization(USER, CLIENT_ID, scopes=["user", "repo"], token=TOKENS["app"])
    store.add_authorization(
        USER, CLIENT_ID, scopes=["gist"], fingerprint=FINGERPRINT, token=TOKENS["app-fingerprint"]
    )
    store.add_authorization(OTHER_USER, CLIENT_ID, scopes=["repo"], token=TOKENS["other-user-app"])
    store.add_authorization(TOTP_USER, CLIENT_ID, token=TOKENS["totp-app"])
    store.add_authorization(USER, OTHER_CLIENT_ID, scopes=["read:org"], token=TOKENS["other-app"])


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass(frozen=True)
class Persona:
    """A way of signing a request; ``otp`` adds a TOTP code valid at the store's now."""

    name: str
    authorization: str | None = None
    otp: str | None = None  # "valid", or a literal code to send

    def headers(self, store: Store) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        if self.otp == "valid":
            headers["X-GitHub-OTP"] = code_at(TOTP_SECRET, store.clock.now())
        elif self.otp is not None:
            headers["X-GitHub-OTP"] = self.otp
        return headers


USER_OK = Persona("user", basic(USER, USER_PASS))
TOTP_OK = Persona("totp+otp", basic(TOTP_USER, TOTP_PASS), otp="valid")
SMS_OK = Persona("sms+otp", basic(SMS_USER, SMS_PASS), otp="valid")
APP_OK = Persona("app", basic(CLIENT_ID, CLIENT_SECRET))
TOKEN_OK = Persona("token", f"token {TOKENS['app']}")
BAD_PERSONAS = [
    Persona("anonymous"),
    Persona("wrong-password", basic(USER, "nope")),
    Persona("unknown-user", basic("nobody", "x")),
    Persona("totp-no-otp", basic(TOTP_USER, TOTP_PASS)),
    Persona("totp-bad-otp", basic(TOTP_USER, TOTP_PASS), otp="000000"),
    Persona("totp-odd-otp", basic(TOTP_USER, TOTP_PASS), otp="²³⁴⁵⁶⁷"),
    Persona("sms-no-otp", basic(SMS_USER, SMS_PASS)),
    Persona("login:token", basic(USER, TOKENS["personal"])),
    Persona("token", f"token {TOKENS['personal']}"),
    Persona("bearer", f"Bearer {TOKENS['app']}"),
    Persona("dead-token", "token " + "0" * 40),
    Persona("other-app", basic(OTHER_CLIENT_ID, OTHER_SECRET)),
    Persona("app-wrong-secret", basic(CLIENT_ID, "0" * 40)),
    Persona("user-as-app", basic(USER, USER_PASS)),
    Persona("basic-not-base64", "Basic %%%not-base64%%%"),
    Persona("basic-no-colon", "Basic " + base64.b64encode(b"justauser").decode()),
    Persona("basic-bad-utf8", "Basic " + base64.b64encode(b"\xff\xfe:\xfd").decode()),
    Persona("basic-empty", "Basic "),
    Persona("unknown-scheme", "Digest foo=bar"),
    Persona("huge-token", "token " + "x" * 20000),
]


def personas_for(template: str) -> tuple[list[Persona], list[Persona]]:
    """(valid credentials for this endpoint, wrong or odd ones)."""
    if template.startswith("/applications/{client_id}"):
        good = [APP_OK]
    elif template.startswith(("/authorizations", "/applications/grants")):
        good = [USER_OK] * 4 + [TOTP_OK] * 2 + [SMS_OK]
    elif template == "/user":
        good = [TOKEN_OK] * 3 + [USER_OK] * 2 + [TOTP_OK]
    else:
        good = [Persona("anonymous")] * 3 + [USER_OK, TOKEN_OK, APP_OK]
    return good, BAD_PERSONAS


def persona_strategy(template: str) -> st.SearchStrategy[Persona]:
    """Valid credentials three times in four: most requests should reach the handlers."""
    good, bad = personas_for(template)
    # sampled_from rather than a drawn number: Hypothesis favours boundary integers.
    weighted = good * -(-3 * len(bad) // len(good))
    return st.sampled_from(weighted + bad)
