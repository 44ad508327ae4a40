"""Model records → GHE 2.18 JSON, with keys in the order GHE sent them."""

from __future__ import annotations

import base64
from typing import Any, NamedTuple

from .clock import iso
from .http_errors import DOCS
from .model import PERSONAL_CLIENT_ID, Authorization, Grant, OAuthApp, User

PERSONAL_TOKEN_URL = f"{DOCS}/oauth_authorizations/"


class Urls(NamedTuple):
    """Absolute URLs of one fake as a client sees it: ``https://HOST`` and ``https://HOST/api/v3``.

    A value (hashable): answers built from it may be cached by it.
    """

    web: str
    api: str

    @classmethod
    def of(cls, web_root: str, api_prefix: str) -> Urls:
        web = web_root.rstrip("/")
        return cls(web, web + api_prefix)

    def authorization(self, authorization_id: int) -> str:
        return f"{self.api}/authorizations/{authorization_id}"

    def grant(self, grant_id: int) -> str:
        return f"{self.api}/applications/grants/{grant_id}"


def app_object(auth: Authorization, app: OAuthApp | None) -> dict[str, Any]:
    if app is None:
        # A personal token shows itself as a pseudo-app named after its note. [GHE_BEHAVIOR: rec]
        return {
            "client_id": PERSONAL_CLIENT_ID,
            "name": auth.note,
            "url": auth.note_url or PERSONAL_TOKEN_URL,
        }
    return {"client_id": app.client_id, "name": app.name, "url": app.url}


def authorization(
    auth: Authorization,
    app: OAuthApp | None,
    urls: Urls,
    *,
    with_token: bool = False,
    user: User | None = None,
) -> dict[str, Any]:
    """The Authorization object. ``token`` is "" except where GHE returned the value."""
    body: dict[str, Any] = {
        "id": auth.id,
        "url": urls.authorization(auth.id),
        "app": app_object(auth, app),
        "token": auth.token if with_token else "",
        "hashed_token": auth.hashed_token,
        "token_last_eight": auth.token_last_eight,
        "note": auth.note,
        "note_url": auth.note_url,
        "created_at": iso(auth.created_at),
        "updated_at": iso(auth.updated_at),
        "scopes": list(auth.scopes),
        "fingerprint": auth.fingerprint,
    }
    if user is not None:
        # Check and reset (the only answers with `user`) show an unset note, note_url and
        # fingerprint as null, as every other answer does: the 2014 and 2018 recordings say
        # so, whatever the official description types them as (tests/vendor's errata).
        # [GHE_BEHAVIOR: rec okrb18.check, okrb18.reset, okrb14.check_app_authorization]
        body["user"] = simple_user(user, urls)
    return body


def grant(grant: Grant, app: OAuthApp, scopes: list[str], urls: Urls) -> dict[str, Any]:
    return {
        "id": grant.id,
        "url": urls.grant(grant.id),
        "app": {"client_id": app.client_id, "name": app.name, "url": app.url},
        "created_at": iso(grant.created_at),
        "updated_at": iso(grant.updated_at),
        "scopes": scopes,
    }


def simple_user(user: User, urls: Urls) -> dict[str, Any]:
    api_user = f"{urls.api}/users/{user.login}"
    return {
        "login": user.login,
        "id": user.id,
        "node_id": base64.b64encode(f"04:User{user.id}".encode()).decode("ascii"),
        "avatar_url": f"{urls.web}/avatars/u/{user.id}?",
        "gravatar_id": "",
        "url": api_user,
        "html_url": f"{urls.web}/{user.login}",
        "followers_url": f"{api_user}/followers",
        "following_url": f"{api_user}/following{{/other_user}}",
        "gists_url": f"{api_user}/gists{{/gist_id}}",
        "starred_url": f"{api_user}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api_user}/subscriptions",
        "organizations_url": f"{api_user}/orgs",
        "repos_url": f"{api_user}/repos",
        "events_url": f"{api_user}/events{{/privacy}}",
        "received_events_url": f"{api_user}/received_events",
        "type": "User",
        "site_admin": user.site_admin,
    }


def private_user(user: User, urls: Urls) -> dict[str, Any]:
    """``GET /user``: the simple user plus the profile and private counts the owner sees."""
    created = iso(user.created_at) if user.created_at else None
    return {
        **simple_user(user, urls),
        "name": user.name,
        "company": None,
        "blog": "",
        "location": None,
        "email": user.email,
        "hireable": None,
        "bio": None,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": created,
        "updated_at": created,
        "private_gists": 0,
        "total_private_repos": 0,
        "owned_private_repos": 0,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": user.two_factor is not None,
    }
