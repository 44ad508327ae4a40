"""The OAuth web flow tests' shared names and steps: sign in, the authorize URL, the exchange.

The web flow tests' fixtures (``store``, ``client``) are in ``tests/web_flow/conftest.py``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

CLIENT_ID = "abcde12345fghij67890"
SECRET = "0123456789abcdef0123456789abcdef01234567"
CALLBACK = "http://app.example.com/auth/callback"
TROUBLE = "https://developer.github.com/enterprise/2.18/apps/managing-oauth-apps"


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def form_token(html: str) -> str:
    match = re.search(r'name="authenticity_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def authorize_url(**params: str) -> str:
    params = {"client_id": CLIENT_ID, "state": "xyz", **params}
    return "/login/oauth/authorize?" + "&".join(f"{k}={v}" for k, v in params.items())


def sign_in(client: FlaskClient, login: str, password: str, return_to: str = "") -> str:
    page = client.get("/login", query_string={"return_to": return_to})
    answer = client.post(
        "/session",
        data={
            "authenticity_token": form_token(page.text),
            "login": login,
            "password": password,
            "return_to": return_to,
            "commit": "Sign in",
        },
    )
    return answer.headers.get("Location", "")


def exchange(client: FlaskClient, code: str, accept: str = "application/json", **extra: str):
    data = {"client_id": CLIENT_ID, "client_secret": SECRET, "code": code, **extra}
    return client.post("/login/oauth/access_token", data=data, headers={"Accept": accept})
