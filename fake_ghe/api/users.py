"""/user (token auth), and /meta and the API root (no auth needed)."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import serializers
from ..errors import NotFound
from ..exchange import current
from ..wire import cached_json
from . import context, current_user, routes, urls

bp = Blueprint("users", __name__)


@bp.get("/user")
@routes.token()
def authenticated_user() -> Response:
    user = current_user()
    # A single resource: Last-Modified too, so the docs' If-Modified-Since sample gets its 304.
    return cached_json(serializers.private_user(user, urls()), last_modified=user.created_at)


@bp.get("/user/emails")
@routes.token()
def emails() -> Response:
    # Needs `user:email` (or `user`, which covers it); without it GHE answered 404, as it
    # does for anything a token may not see. [docs: Emails, "user:email"; decision: 404]
    # Basic auth with a password sees everything.
    token = current().token_authorization
    if token is not None and not {"user", "user:email"} & set(token.scopes):
        raise NotFound()
    user = current_user()
    # The 2.18 docs' sample: one object per address; a seeded user has at most one.
    body = [{"email": user.email, "verified": True, "primary": True, "visibility": "public"}]
    return cached_json(body if user.email else [])


@bp.get("/meta")
@routes.optional()
def meta() -> Response:
    return cached_json(
        {
            "verifiable_password_authentication": True,
            "installed_version": context().config.enterprise_version,
        }
    )


# The root document's URL templates, relative to the API root; as a GHE appliance of that
# era answered `curl -H "Authorization: token ..." https://HOST/api/v3`.
ROOT_TEMPLATES = {
    "current_user_url": "/user",
    "authorizations_url": "/authorizations",
    "code_search_url": "/search/code?q={query}{&page,per_page,sort,order}",
    "commit_search_url": "/search/commits?q={query}{&page,per_page,sort,order}",
    "emails_url": "/user/emails",
    "emojis_url": "/emojis",
    "events_url": "/events",
    "feeds_url": "/feeds",
    "followers_url": "/user/followers",
    "following_url": "/user/following{/target}",
    "gists_url": "/gists{/gist_id}",
    "hub_url": "/hub",
    "issue_search_url": "/search/issues?q={query}{&page,per_page,sort,order}",
    "issues_url": "/issues",
    "keys_url": "/user/keys",
    "notifications_url": "/notifications",
    "organization_repositories_url": "/orgs/{org}/repos{?type,page,per_page,sort}",
    "organization_url": "/orgs/{org}",
    "public_gists_url": "/gists/public",
    "rate_limit_url": "/rate_limit",
    "repository_url": "/repos/{owner}/{repo}",
    "repository_search_url": "/search/repositories?q={query}{&page,per_page,sort,order}",
    "current_user_repositories_url": "/user/repos{?type,page,per_page,sort}",
    "starred_url": "/user/starred{/owner}{/repo}",
    "starred_gists_url": "/gists/starred",
    "team_url": "/teams",
    "user_url": "/users/{user}",
    "user_organizations_url": "/user/orgs",
    "user_repositories_url": "/users/{user}/repos{?type,page,per_page,sort}",
    "user_search_url": "/search/users?q={query}{&page,per_page,sort,order}",
}


@bp.get("")
@bp.get("/")
@routes.optional()
def root() -> Response:
    # The 2.18 docs' own samples start here (`curl -u username http(s)://[hostname]/api/v3`,
    # the failed-login and CORS samples): GHE answered the root document, not 404.
    # Credentials are optional and, when sent, checked before routing (fake_ghe.pipeline).
    links = urls()
    body = {"current_user_url": links.api + ROOT_TEMPLATES["current_user_url"]}
    body["current_user_authorizations_html_url"] = (
        links.web + "/settings/connections/applications{/client_id}"
    )
    body.update({key: links.api + path for key, path in ROOT_TEMPLATES.items()})
    return cached_json(body)
