"""Who may call the user endpoints: credentials, and authentication before routing, as GHE 2.18
answered.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from fake_ghe import Store

from .auth_support import code, otp, raw_auth
from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    BAD_CREDENTIALS,
    BASIC_ONLY,
    HUBOT,
    NOT_FOUND,
    OCTOCAT,
    OTP_REQUIRED,
    REQUIRES_AUTH,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Every user endpoint, with a body that would succeed for octocat's authorization 1 / grant 1.
def user_endpoints() -> list[tuple[str, str, Any]]:
    return [
        ("GET", "/authorizations", None),
        ("POST", "/authorizations", {"note": "new", "scopes": ["repo"]}),
        ("GET", "/authorizations/1", None),
        ("PATCH", "/authorizations/1", {"scopes": ["user"]}),
        ("POST", "/authorizations/1", {"add_scopes": ["user"]}),
        ("DELETE", "/authorizations/1", None),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}", {"client_secret": APP_SECRET}),
        ("PUT", f"/authorizations/clients/{APP_CLIENT_ID}/fp", {"client_secret": APP_SECRET}),
        ("GET", "/applications/grants", None),
        ("GET", "/applications/grants/1", None),
        ("DELETE", "/applications/grants/1", None),
    ]


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    return [(a.id, tuple(a.scopes), a.note, a.updated_at) for a in store.authorizations()] + [
        ("grant", g.id) for g in store.grants()
    ]


# ---------------------------------------------------------------- credentials


def test_no_credentials(api, store):
    store.add_authorization("octocat", APP_CLIENT_ID)
    before = snapshot(store)
    for method, path, body in user_endpoints():
        answer = api.request(method, path, json_body=body)
        assert (method, path, answer.status_code, answer.json()) == (
            method,
            path,
            401,
            REQUIRES_AUTH,
        )
        assert "X-GitHub-OTP" not in answer.headers
    assert snapshot(store) == before


def test_bad_credentials(api, store):
    for credentials in [
        ("octocat", "wrong"),
        ("octocat", ""),
        ("octocat", "S3CRET-PASSW0RD"),
        ("nobody", "x"),
        ("", "s3cret-Passw0rd"),
        ("hubot", "wrong"),
        ("monalisa", "wrong"),
    ]:
        for headers in ({}, otp(code())):
            answer = api.post(
                "/authorizations", auth=credentials, json_body={"note": "x"}, headers=headers
            )
            assert (credentials, answer.status_code, answer.json()) == (
                credentials,
                401,
                BAD_CREDENTIALS,
            )
            # Even for two-factor users: the password is checked first. [rec]
            assert "X-GitHub-OTP" not in answer.headers
    assert store.authorizations() == []
    assert store.sms_codes == {}


def test_login_is_case_insensitive_but_the_password_is_not(api):
    assert api.get("/authorizations", auth=("OctoCat", OCTOCAT[1])).status_code == 200
    assert api.get("/authorizations", auth=("octocat", OCTOCAT[1].upper())).status_code == 401


def test_malformed_authorization_header(api):
    for header in [
        "Basic",
        "Basic !!!not-base64!!!",
        f"Basic {b64(b'no-colon-here')}",
        f"Basic {b64(b'octocat:s3cret-Passw0rd')[:-2]}",
        f"Basic {b64(bytes([0xFF, 0xFE, 0x3A, 0x78]))}",
        f"Basic {b64(b':')}",
        "Bearer",
        "token",
        'Digest username="octocat", realm="GitHub"',
        "NTLM TlRMTVNTUAABAAAAB4IIog==",
        "s3cret-Passw0rd",
    ]:
        answer = api.get("/authorizations", headers=raw_auth(header))
        assert (header, answer.status_code, answer.json()) == (header, 401, BAD_CREDENTIALS)


def test_password_with_unicode_and_colons(api, store):
    store.add_user("zoe", "pä:ss:wörd ☃")  # GHE logins are ASCII; passwords are anything
    header = raw_auth(f"Basic {b64('zoe:pä:ss:wörd ☃'.encode())}")
    answer = api.get("/authorizations", headers=header)
    assert answer.status_code == 200
    assert answer.json() == []


@pytest.mark.parametrize("form", ["token", "Bearer", "basic"])
def test_tokens_may_not_manage_tokens(api, store, form):
    """Every method of every user endpoint, including the grants ones."""
    live = store.add_authorization("octocat", APP_CLIENT_ID, scopes=["repo"]).token
    store.add_authorization("octocat", note="another")
    before = snapshot(store)
    headers = (
        raw_auth(f"Basic {b64(f'octocat:{live}'.encode())}")
        if form == "basic"
        else raw_auth(f"{form} {live}")
    )
    for method, path, body in user_endpoints():
        answer = api.request(method, path, headers=headers, json_body=body)
        assert (method, path, answer.status_code, answer.json()) == (method, path, 403, BASIC_ONLY)
    assert snapshot(store) == before
    # Presenting a token is not a failed password: no lockout creeps up.
    assert store.failed_logins("octocat") == ()


def test_dead_or_made_up_token_is_bad_credentials(api, store):
    """[decision] Credentials are checked before the endpoint's rule, as they are on /user."""
    for value in ("0" * 40, "not a token at all"):
        for scheme in ("token", "Bearer"):
            answer = api.get("/authorizations", headers=raw_auth(f"{scheme} {value}"))
            assert (scheme, value, answer.status_code, answer.json()) == (
                scheme,
                value,
                401,
                BAD_CREDENTIALS,
            )


def test_another_users_token_as_password_is_a_wrong_password(api, store):
    hubot_token = store.add_authorization("hubot", APP_CLIENT_ID).token
    answer = api.get("/authorizations", auth=("octocat", hubot_token))
    assert answer.status_code == 401
    assert answer.json() == BAD_CREDENTIALS


# ---------------------------------------------------------------- auth before routing


def test_unsupported_method_is_401_unauthenticated_and_404_authenticated(api):
    """The auth-basic client probes 2FA with PATCH /authorizations: never a 405."""
    anonymous = api.patch("/authorizations", json_body={})
    assert (anonymous.status_code, anonymous.json()) == (401, REQUIRES_AUTH)

    signed_in = api.patch("/authorizations", auth=OCTOCAT, json_body={})
    assert (signed_in.status_code, signed_in.json()) == (404, NOT_FOUND)
    assert "Allow" not in signed_in.headers


def test_unknown_method_or_subpath_on_a_known_path(api, store):
    store.add_authorization("octocat", APP_CLIENT_ID)
    before = snapshot(store)
    for method, path in [
        ("PATCH", "/authorizations"),
        ("PUT", "/authorizations"),
        ("DELETE", "/authorizations"),
        ("PUT", "/authorizations/1"),
        ("GET", f"/authorizations/clients/{APP_CLIENT_ID}"),
        ("POST", f"/authorizations/clients/{APP_CLIENT_ID}"),
        ("DELETE", f"/authorizations/clients/{APP_CLIENT_ID}/fp"),
        ("POST", "/applications/grants"),
        ("PATCH", "/applications/grants/1"),
        ("OPTIONS", "/authorizations"),
        ("FROB", "/authorizations"),
        ("GET", "/authorizations/1/extra"),
    ]:
        anonymous = api.request(method, path)
        assert (method, path, anonymous.status_code, anonymous.json()) == (
            method,
            path,
            401,
            REQUIRES_AUTH,
        )
        signed_in = api.request(method, path, auth=OCTOCAT)
        assert (method, path, signed_in.status_code, signed_in.json()) == (
            method,
            path,
            404,
            NOT_FOUND,
        )
    assert snapshot(store) == before


def test_2fa_probe_with_patch_gets_the_otp_challenge(api, store):
    answer = api.patch("/authorizations", auth=HUBOT, json_body={})
    assert answer.status_code == 401
    assert answer.headers["X-GitHub-OTP"] == "required; app"
    assert answer.json() == OTP_REQUIRED
    with_code = api.patch("/authorizations", auth=HUBOT, headers=otp(code()), json_body={})
    assert (with_code.status_code, with_code.json()) == (404, NOT_FOUND)
