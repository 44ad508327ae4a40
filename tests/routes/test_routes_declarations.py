"""The one route table (fake_ghe.api.routes): every API view declares its credentials, and
create_app refuses a view that does not.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, Response

from fake_ghe import create_app
from fake_ghe.api import routes
from fake_ghe.api.routes import Kind
from fake_ghe.config import API_PREFIX

from ..routes_support import RULES, TABLE, Spy, send

# ------------------------------------------------------------------ every view declares


def test_every_api_rule_declares_its_credentials() -> None:
    assert len(RULES) >= 20
    for rule in RULES.values():
        access = routes.access_of(TABLE, rule)
        assert access is not None, rule
        # What the regexes used to say, now read from the declarations.
        if rule.rule.startswith(f"{API_PREFIX}/applications/<client_id>"):
            assert (access.kind, access.secrets) == (Kind.APP, {"access_token"}), rule
        elif rule.rule.startswith((f"{API_PREFIX}/authorizations", f"{API_PREFIX}/applications")):
            assert access.kind is Kind.PASSWORD, rule
        elif rule.rule in (f"{API_PREFIX}/user", f"{API_PREFIX}/user/emails"):
            assert access.kind is Kind.TOKEN, rule
        else:
            assert access.kind is Kind.OPTIONAL, rule
    sms = {rule.endpoint for rule in RULES.values() if routes.access_of(TABLE, rule).sends_sms}
    assert sms == {
        "authorizations.create_authorization",
        "authorizations.get_or_create_authorization",
    }


def test_a_view_without_a_declaration_makes_create_app_raise(monkeypatch) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)
    extra.add_url_rule("/user", view_func=users.authenticated_user)

    @extra.get("/undeclared")
    def undeclared() -> Response:
        return Response("leak")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="undeclared"):
        create_app()


def test_a_declaration_above_the_route_decorator_makes_create_app_raise(monkeypatch) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)

    @routes.token()
    @extra.get("/user")  # registers the undeclared function
    def wrong_order() -> Response:
        return Response("leak")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="declares no credentials"):
        create_app()


def test_rules_of_one_path_that_disagree_on_credentials_make_create_app_raise(
    monkeypatch,
) -> None:
    from fake_ghe.api import users

    extra = Blueprint("users", __name__)

    @extra.get("/user")
    @routes.token()
    def read() -> Response:
        return Response("read")

    @extra.delete("/user")
    @routes.password()
    def remove() -> Response:
        return Response("remove")

    monkeypatch.setattr(users, "bp", extra)
    with pytest.raises(routes.RouteTableError, match="declare different credentials"):
        create_app()


def test_a_view_added_after_create_app_without_a_declaration_never_runs(flask_app) -> None:
    reached: list[bool] = []

    def late() -> Response:
        reached.append(True)
        return Response("leak")

    flask_app.add_url_rule(API_PREFIX + "/late", view_func=late)
    answer = send(flask_app, "GET", "/late", {})
    assert answer.status_code == 500
    assert reached == []
    [error] = flask_app.extensions["fake_ghe"].errors
    assert isinstance(error, routes.RouteTableError)


def test_a_declared_view_refuses_to_run_if_authentication_was_skipped(
    flask_app, seeded, monkeypatch
) -> None:
    # Whatever skips authentication (fake_ghe.pipeline's begin), the view's own guard refuses.
    from fake_ghe import authentication

    monkeypatch.setattr(authentication, "authenticate", lambda *args, **kwargs: None)
    spy = Spy(flask_app)
    answer = send(flask_app, "GET", "/user", {})
    assert answer.status_code == 500
    assert spy.reached == ["users.authenticated_user"]  # reached the guard, not the body
    [error] = flask_app.extensions["fake_ghe"].errors
    assert isinstance(error, routes.RouteTableError)
