"""What of a token or secret may be shown: in the call journal, logs and error messages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

SECRET_QUERY_KEYS = frozenset({"access_token", "client_secret", "password"})


def mask(token: str) -> str:
    """A token as GHE itself shows one: its last eight characters."""
    return "***" + token[-8:] if len(token) > 8 else "***"


def path(value: str) -> str:
    """``value`` with the secrets its route declares masked (whatever prefix comes before it).

    For a path outside any request (fake_ghe.transports' messages); inside one, the app masks
    from the route the request matched. Both read fake_ghe.api.routes.
    """
    from .api import routes  # the route table imports Flask and the API: only when needed

    return routes.mask_path(value)


def query(value: str) -> str:
    """A query string with secret parameters (``access_token=``, ...) masked."""
    pairs = parse_qsl(value, keep_blank_values=True)
    return urlencode([(k, "***" if k in SECRET_QUERY_KEYS else v) for k, v in pairs], safe="*")


def url(value: str) -> str:
    """A whole URL fit for a message: no password, tokens and secrets masked."""
    parts = urlsplit(value)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username}:***@{netloc.rpartition('@')[2]}"
    return parts._replace(
        netloc=netloc, path=path(parts.path), query=query(parts.query), fragment=""
    ).geturl()
