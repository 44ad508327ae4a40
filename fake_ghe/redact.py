"""What of a token or secret may be shown: in the call journal, logs and error messages."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit

SECRET_QUERY_KEYS = frozenset({"access_token", "client_secret", "password"})
# Anything shaped like a token (40 hex characters, alone), wherever it sits in a path or a
# query: a client that puts a token where no route expects one (``/user/TOKEN``,
# ``/authorizations/TOKEN``, ``tokens/TOKEN/x``, ``?token=``) still sent a real token.
# A longer run of hex is masked too: "a" + TOKEN still holds the token.
_TOKEN_SHAPED = re.compile(r"[0-9a-fA-F]{40,}")


def mask(token: str) -> str:
    """A token as GHE itself shows one: its last eight characters."""
    return "***" + token[-8:] if len(token) > 8 else "***"


def token_shaped(value: str) -> str:
    """``value`` with every token-shaped run of 40 (or more) hex characters masked."""
    return _TOKEN_SHAPED.sub(lambda found: mask(found.group()), value)


def path(value: str) -> str:
    """``value`` with the secrets its route declares masked (whatever prefix comes before it).

    For a path outside any request (fake_ghe.transports' messages); inside one, the app masks
    from the route the request matched. Both read fake_ghe.api.routes.
    """
    from .api import routes  # the route table imports Flask and the API: only when needed

    return token_shaped(routes.mask_path(value))


def query(value: str) -> str:
    """A query string as it was sent, but with the values of secret parameters
    (``access_token=``, ...) and token-shaped runs masked.

    Nothing else is decoded or re-encoded: ``?q=%41&flag`` stays ``?q=%41&flag`` in the call
    journal, where a test compares it with what its client sent.
    """
    return "&".join(_shown_field(field) for field in value.split("&"))


def _shown_field(field: str) -> str:
    key, equals, _ = field.partition("=")
    if equals and unquote_plus(key) in SECRET_QUERY_KEYS:
        return f"{key}=***"
    shown = token_shaped(field)
    decoded = unquote_plus(shown)
    if token_shaped(decoded) != decoded:
        # A token still there once decoded (percent-encoded, %30%31...): masked whole.
        return f"{key}=***" if equals else "***"
    return shown


def url(value: str) -> str:
    """A whole URL fit for a message: no password, tokens and secrets masked."""
    parts = urlsplit(value)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username}:***@{netloc.rpartition('@')[2]}"
    return parts._replace(
        netloc=netloc, path=path(parts.path), query=query(parts.query), fragment=""
    ).geturl()
