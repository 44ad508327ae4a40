"""What the route table test modules share: the API rules of a default app, filling them in,
sending to them, and a spy on the views.

The ``seeded`` fixture they use is in ``tests/routes/conftest.py``.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from fake_ghe import create_app
from fake_ghe.api import routes
from fake_ghe.api.routes import Kind
from fake_ghe.config import API_PREFIX

from .conftest import (
    APP,
    APP_CLIENT_ID,
    HUBOT,
    OCTOCAT,
    OTHER_APP,
)

ORIGIN = "https://ghe.example.com"


def basic(login: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{secret}".encode()).decode()}


def api_rules(app: Flask) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX)]


# Built once at collection: the URL map of a default app is the list of what to test.
TABLE = create_app()
RULES = {f"{rule.rule} -> {rule.endpoint}": rule for rule in api_rules(TABLE)}


VARIABLE = re.compile(r"<(?:([a-z]+):)?(\w+)>")


def fill(rule: Any, values: dict[str, str]) -> str:
    """The rule's path with its variables set, below the API prefix."""

    def value(match: re.Match[str]) -> str:
        # A <path:...> catch-all gets two segments unless the test sets it.
        default = "x/y" if match[1] == "path" else "x"
        return values.get(match[2], default)

    return VARIABLE.sub(value, rule.rule)[len(API_PREFIX) :]


def kind(rule: Any) -> Kind:
    access = routes.access_of(TABLE, rule)
    assert access is not None
    return access.kind


class Spy:
    """Counts the calls that reach each view of an app."""

    def __init__(self, app: Flask) -> None:
        self.reached: list[str] = []
        for endpoint, view in list(app.view_functions.items()):
            # functools.wraps copies the declaration: the spy is the same route to the app.
            app.view_functions[endpoint] = functools.wraps(view)(self._counting(endpoint, view))

    def _counting(self, endpoint: str, view: Callable[..., Response]) -> Callable[..., Response]:
        def spy(*args: Any, **kwargs: Any) -> Response:
            self.reached.append(endpoint)
            return view(*args, **kwargs)

        return spy


def send(app: Flask, method: str, path: str, headers: dict[str, str]) -> Any:
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    return app.test_client().open(
        API_PREFIX + path, method=method, headers=headers, data=body, base_url=ORIGIN
    )


# ------------------------------------------------------------------ no view without its credentials


def credentials(token: str) -> dict[str, dict[str, str]]:
    return {
        "none": {},
        "wrong password": basic(OCTOCAT[0], "wrong"),
        "unknown login": basic("nobody", "x"),
        "malformed": {"Authorization": "Basic !!!"},
        "two-factor, no code": basic(*HUBOT),
        "password": basic(*OCTOCAT),
        "token": {"Authorization": f"token {token}"},
        "login:token": basic(OCTOCAT[0], token),
        "dead token": {"Authorization": "Bearer 0123456789abcdef"},
        "app": basic(*APP),
        "other app": basic(*OTHER_APP),
        "app, wrong secret": basic(APP_CLIENT_ID, "wrong"),
    }


ACCEPTED = {
    Kind.PASSWORD: ["password"],
    Kind.APP: ["app"],
    Kind.TOKEN: ["password", "token", "login:token"],
    Kind.OPTIONAL: ["none", "password", "token", "login:token", "app", "other app"],
}
