"""The GHE 2.18 documentation's authentication and overview curl samples, run with real curl
against a live fake.

Samples come from the 2.18 REST API v3 overview (authentication, failed login limit,
parameters, root endpoint, conditional requests) and "Other authentication methods" (tokens,
two-factor). ``[hostname]`` is the fake's ``127.0.0.1:PORT`` and ``http`` stands for
``http(s)``. The OAuth Authorizations API page's samples are in
``test_curl_docs_authorizations.py``.
"""

from __future__ import annotations

from .conftest import (
    APP_CLIENT_ID,
    APP_SECRET,
    BASIC_AUTH_ONLY,
    OCTOCAT,
    LiveGHE,
)
from .curl_support import DOCS, curl, user

# ---------------------------------------------------------------- authentication


def test_token_in_basic_auth_and_in_the_header(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo", "user"], note="cli").token

    # curl -u username:token http(s)://[hostname]/api/v3/user
    as_password = curl("-u", f"octocat:{token}", f"{ghe.api_url}/user")
    # curl -H "Authorization: token OAUTH-TOKEN" http(s)://[hostname]/api/v3/user
    in_header = curl("-H", f"Authorization: token {token}", f"{ghe.api_url}/user")
    # curl -u username http(s)://[hostname]/api/v3/user
    with_password = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")

    for reply in (as_password, in_header, with_password):
        assert reply.status == 200 and reply.json()["login"] == "octocat"
    assert (
        as_password.headers["x-oauth-scopes"]
        == in_header.headers["x-oauth-scopes"]
        == ("repo, user")
    )
    assert "x-oauth-scopes" not in with_password.headers


def test_token_cannot_use_the_authorizations_api(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token

    reply = curl("-H", f"Authorization: token {token}", f"{ghe.api_url}/authorizations")

    assert (reply.status, reply.reason) == (403, "Forbidden")
    assert reply.json()["message"] == BASIC_AUTH_ONLY


def test_failed_login_limit(ghe: LiveGHE):
    # curl -i http(s)://[hostname]/api/v3 -u foo:bar
    bad = curl(ghe.api_url, "-u", "foo:bar")

    assert (bad.status, bad.reason) == (401, "Unauthorized")
    assert bad.json() == {"message": "Bad credentials", "documentation_url": DOCS}
    assert "x-github-otp" not in bad.headers

    for _ in range(ghe.store.lockout_threshold):
        assert curl(ghe.api_url, "-u", "octocat:wrong").status == 401
    # curl -i http(s)://[hostname]/api/v3 -u valid_username:valid_password
    locked = curl(ghe.api_url, "-u", user(OCTOCAT))

    assert (locked.status, locked.reason) == (403, "Forbidden")
    assert locked.json() == {
        "message": "Maximum number of login attempts exceeded. Please try again later.",
        "documentation_url": DOCS,
    }
    assert curl("-u", user(OCTOCAT), f"{ghe.api_url}/authorizations").status == 403


def test_oauth_app_key_and_secret_only_identify_the_app(ghe: LiveGHE):
    # curl -u my_client_id:my_client_secret 'http(s)://[hostname]/api/v3/user/repos'
    # The fake serves no /user/repos: what matters is that the app's credentials are not
    # refused as bad ones, and that a wrong secret is.
    app = f"{APP_CLIENT_ID}:{APP_SECRET}"
    repos = curl("-u", app, f"{ghe.api_url}/user/repos")
    meta = curl("-u", app, f"{ghe.api_url}/meta")
    wrong = curl("-u", f"{APP_CLIENT_ID}:{'0' * 40}", f"{ghe.api_url}/meta")

    assert (repos.status, repos.json()["message"]) == (404, "Not Found")
    assert meta.status == 200
    assert (wrong.status, wrong.json()["message"]) == (401, "Bad credentials")


def test_conditional_requests(ghe: LiveGHE):
    # curl -i http(s)://[hostname]/api/v3/user, then again with If-None-Match and with
    # If-Modified-Since set from the first answer.
    first = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")
    by_etag = curl(
        "-u", user(OCTOCAT), f"{ghe.api_url}/user", "-H", f"If-None-Match: {first.headers['etag']}"
    )
    by_date = curl(
        "-u",
        user(OCTOCAT),
        f"{ghe.api_url}/user",
        "-H",
        f"If-Modified-Since: {first.headers['last-modified']}",
    )

    assert first.status == 200
    assert (by_etag.status, by_etag.reason, by_etag.body) == (304, "Not Modified", b"")
    assert (by_date.status, by_date.body) == (304, b"")
    assert by_etag.headers["etag"] == first.headers["etag"]


def test_cross_origin_resource_sharing(ghe: LiveGHE):
    origin = ["-H", "Origin: http://example.com"]
    # curl -i http(s)://[hostname]/api/v3 -H "Origin: http://example.com" -X OPTIONS
    preflight = curl(ghe.api_url, *origin, "-X", "OPTIONS")
    preflight_deep = curl(
        f"{ghe.api_url}/authorizations",
        *origin,
        "-X",
        "OPTIONS",
        "-H",
        "Access-Control-Request-Method: POST",
    )
    # A browser's request itself (the sample's root has no route in the fake: /user here).
    simple = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user", *origin)
    same_without_origin = curl("-u", user(OCTOCAT), f"{ghe.api_url}/user")

    for reply in (preflight, preflight_deep):
        assert (reply.status, reply.body) == (204, b"")
        assert reply.headers["access-control-allow-origin"] == "*"
        assert reply.headers["access-control-allow-methods"] == "GET, POST, PATCH, PUT, DELETE"
        assert "X-GitHub-OTP" in reply.headers["access-control-allow-headers"].split(", ")
        assert reply.headers["access-control-max-age"] == "86400"
    assert simple.status == 200
    assert simple.headers["access-control-allow-origin"] == "*"
    exposed = simple.headers["access-control-expose-headers"].split(", ")
    assert {"ETag", "Link", "X-GitHub-OTP", "X-OAuth-Scopes"} <= set(exposed)
    assert "access-control-allow-origin" not in same_without_origin.headers
    assert ghe.store.authorizations() == []


def test_meta(ghe: LiveGHE):
    reply = curl(f"{ghe.api_url}/meta")

    assert reply.json() == {
        "verifiable_password_authentication": True,
        "installed_version": "2.18.0",
    }
