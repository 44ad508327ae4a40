"""Two gaps a new user hit driving the fake as the 2.18 docs and an old client do.

- The API root: the 2.18 overview's samples start at ``http(s)://[hostname]/api/v3``
  (Basic auth, "Root endpoint", the failed-login and CORS samples). GHE answered the root
  document there; the fake said 404 Not Found.
- ``?access_token=TOKEN``: GHE 2.18 still took a token as a query parameter, and old clients
  send it so (node-github 13's ``authenticate({type: "oauth", token})``); the fake said 401
  Requires authentication.
"""

from __future__ import annotations

import pytest

from .conftest import BASIC_AUTH_ONLY, HUBOT, OCTOCAT, OTP_REQUIRED, LiveGHE
from .curl_support import DOCS, curl, user

# ---------------------------------------------------------------- the API root


@pytest.mark.parametrize("path", ["", "/"])
def test_root_endpoint_sample(ghe: LiveGHE, path: str):
    # curl -u username:password http(s)://[hostname]/api/v3
    reply = curl("-u", user(OCTOCAT), ghe.api_url + path)

    assert (reply.status, reply.reason) == (200, "OK")
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.headers["etag"]
    body = reply.json()
    assert body["current_user_url"] == f"{ghe.api_url}/user"
    assert body["authorizations_url"] == f"{ghe.api_url}/authorizations"
    assert body["current_user_authorizations_html_url"] == (
        f"{ghe.root_url}/settings/connections/applications{{/client_id}}"
    )
    assert body["user_url"] == f"{ghe.api_url}/users/{{user}}"
    assert list(body)[:3] == [
        "current_user_url",
        "current_user_authorizations_html_url",
        "authorizations_url",
    ]


def test_root_with_a_token_anonymously_and_with_bad_credentials(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token

    # curl -H "Authorization: token OAUTH-TOKEN" http(s)://[hostname]/api/v3
    with_token = curl("-H", f"Authorization: token {token}", ghe.api_url)
    anonymous = curl(ghe.api_url)
    # curl -i http(s)://[hostname]/api/v3 -u foo:bar
    bad = curl(ghe.api_url, "-u", "foo:bar")
    # Basic with a two-factor user's password needs the code here too.
    two_factor = curl("-u", user(HUBOT), ghe.api_url)

    assert with_token.status == anonymous.status == 200
    assert with_token.json() == anonymous.json()
    assert bad.status == 401
    assert bad.json() == {"message": "Bad credentials", "documentation_url": DOCS}
    assert two_factor.status == 401 and two_factor.json()["message"] == OTP_REQUIRED
    assert two_factor.headers["x-github-otp"] == "required; app"


def test_root_conditional_request_and_other_methods(ghe: LiveGHE):
    first = curl("-u", user(OCTOCAT), ghe.api_url)
    again = curl("-u", user(OCTOCAT), ghe.api_url, "-H", f"If-None-Match: {first.headers['etag']}")
    posted = curl("-u", user(OCTOCAT), "-X", "POST", ghe.api_url)

    assert (again.status, again.body) == (304, b"")
    assert (posted.status, posted.json()["message"]) == (404, "Not Found")


def test_locked_out_login_is_refused_at_the_root(ghe: LiveGHE):
    for _ in range(ghe.store.lockout_threshold):
        assert curl(ghe.api_url, "-u", "octocat:wrong").status == 401
    # curl -i http(s)://[hostname]/api/v3 -u valid_username:valid_password
    locked = curl(ghe.api_url, "-u", user(OCTOCAT))

    assert locked.status == 403
    assert locked.json()["message"] == (
        "Maximum number of login attempts exceeded. Please try again later."
    )


# ---------------------------------------------------------------- ?access_token=


def test_token_as_a_query_parameter_on_user(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo", "user"], note="cli").token

    reply = curl(f"{ghe.api_url}/user?access_token={token}")

    assert reply.status == 200 and reply.json()["login"] == "octocat"
    assert reply.headers["x-oauth-scopes"] == "repo, user"
    # The call journal never holds it.
    assert token not in repr(list(ghe.store.journal.calls))


def test_query_token_is_still_a_token_to_the_authorizations_api(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token

    reply = curl(f"{ghe.api_url}/authorizations?access_token={token}")

    assert reply.status == 403 and reply.json()["message"] == BASIC_AUTH_ONLY


def test_dead_query_token_is_bad_credentials(ghe: LiveGHE):
    auth = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli")
    ghe.store.delete_authorization(ghe.store.user("octocat"), auth.id)

    dead = curl(f"{ghe.api_url}/user?access_token={auth.token}")
    made_up = curl(f"{ghe.api_url}/user?access_token={'0' * 40}")

    for reply in (dead, made_up):
        assert (reply.status, reply.json()["message"]) == (401, "Bad credentials")


def test_authorization_header_wins_over_the_query_token(ghe: LiveGHE):
    token = ghe.store.add_authorization("octocat", scopes=["repo"], note="cli").token

    # [decision] both sent: the header decides (here Basic with the password: no scopes).
    reply = curl("-u", user(OCTOCAT), f"{ghe.api_url}/authorizations?access_token={token}")

    assert reply.status == 200 and reply.json()[0]["note"] == "cli"
