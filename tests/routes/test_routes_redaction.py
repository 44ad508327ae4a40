"""The one route table: every secret a rule declares is masked in the journal, the log and
redacted paths.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from werkzeug.test import Client

from fake_ghe import Config, FakeGHE, Store, create_app, redact
from fake_ghe.api import routes
from fake_ghe.cli import _log_requests

from ..conftest import (
    APP,
    APP_CLIENT_ID,
)
from ..routes_support import RULES, TABLE, basic, fill, send

# ------------------------------------------------------------------ masked secrets

# The app token paths (test_every_api_rule_declares_its_credentials says which they are).
SECRET_RULES = [
    pytest.param(rule, id=name)
    for name, rule in RULES.items()
    if routes.access_of(TABLE, rule).secrets  # type: ignore[union-attr]
]
ODD_TOKENS = [
    "0123456789abcdef0123456789abcdef01234567",
    "line\nbreak-0123456789",
    "tab\there\r\n-0123456789",
    "ünïcødé-tøken-指紋-0123",
    "dots..and.~-0123456789",
    "y" * 5000,
]


@pytest.mark.parametrize("rule", SECRET_RULES)
@pytest.mark.parametrize("token", ODD_TOKENS, ids=lambda t: repr(t[:12]))
def test_journal_and_log_mask_every_declared_secret(store: Store, rule, token) -> None:
    if re.fullmatch("[0-9a-f]{40}", token):
        store.add_authorization("octocat", APP_CLIENT_ID, token=token)  # else it is unknown: 404
    flask_app = create_app(store, Config(hostname="ghe.example.com"))
    log = io.StringIO()
    _log_requests(flask_app, log)
    quoted = quote(token, safe="")
    path = fill(rule, {"client_id": APP_CLIENT_ID, "access_token": quoted})
    doubled = path.replace("/tokens/", "/tokens//").replace("/grants/", "/grants//")
    methods = [*sorted(rule.methods or ()), "PUT", "FROB"]
    for method in methods:
        for sent in (path, doubled):
            send(flask_app, method, sent, basic(*APP))
    calls = store.journal.calls
    assert len(calls) == 2 * len(methods)
    shown = redact.mask(token)
    for call in calls:
        assert token not in call.path and token[-20:] not in call.path, call
        assert call.path.endswith(shown) or f"/{shown}" in call.path, call
    assert token[-20:] not in log.getvalue()
    assert log.getvalue().count(shown) == len(calls)
    assert flask_app.extensions["fake_ghe"].errors == []


@pytest.mark.parametrize("rule", SECRET_RULES)
@pytest.mark.parametrize("prefix", ["/api/v3", "", "/some/proxy/api/v3"])
def test_redact_masks_paths_and_urls_outside_any_request(rule, prefix) -> None:
    token = "0123456789abcdef0123456789abcdef01234567"
    path = prefix + fill(rule, {"client_id": APP_CLIENT_ID, "access_token": token})
    assert redact.path(path) == path.replace(token, redact.mask(token))
    url = redact.url(f"https://ghe.example.com{path}?access_token={token}")
    assert token not in url
    assert url.endswith(f"/***{token[-8:]}?access_token=***")


def test_redact_leaves_paths_without_secrets_alone() -> None:
    for path in ("/api/v3/authorizations/clients/abcdefghijklmnop", "/api/v3/user", "/x/y"):
        assert redact.path(path) == path


def test_the_journal_shows_a_query_as_sent_with_only_secrets_masked() -> None:
    token = "0123456789abcdef0123456789abcdef01234567"
    encoded = "".join(f"%{ord(char):02X}" for char in token)
    fake = FakeGHE()
    client = Client(fake.wsgi)
    sent = {
        "q=%41&flag&b=c+d%20e": "q=%41&flag&b=c+d%20e",  # nothing decoded or re-encoded
        f"access_token={token}&page=2": "access_token=***&page=2",
        f"access%5Ftoken={token}": "access%5Ftoken=***",  # a secret key, percent-encoded
        f"x={token}": f"x=***{token[-8:]}",
        f"x={encoded}&y=1": "x=***&y=1",  # a percent-encoded token: masked whole
    }
    for query in sent:
        client.get(f"/api/v3/meta?{query}", base_url="https://ghe.example.com")
    assert [call.path for call in fake.calls] == [
        f"/api/v3/meta?{shown}" for shown in sent.values()
    ]
    assert all(token not in call.path and encoded not in call.path for call in fake.calls)
