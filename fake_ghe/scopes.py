"""The OAuth scopes GHE 2.18 knew, and how it echoed and collapsed them."""

from __future__ import annotations

from collections.abc import Iterable

VALID_SCOPES: frozenset[str] = frozenset(
    [
        "repo",
        "repo:status",
        "repo_deployment",
        "public_repo",
        "repo:invite",
        "admin:repo_hook",
        "write:repo_hook",
        "read:repo_hook",
        "admin:org",
        "write:org",
        "read:org",
        "admin:public_key",
        "write:public_key",
        "read:public_key",
        "admin:org_hook",
        "gist",
        "notifications",
        "user",
        "read:user",
        "user:email",
        "user:follow",
        "delete_repo",
        "write:discussion",
        "read:discussion",
        "admin:gpg_key",
        "write:gpg_key",
        "read:gpg_key",
        "site_admin",
        "admin:pre_receive_hook",
        "admin:business",
    ]
)

# A granted parent makes its children redundant in X-OAuth-Scopes (recorded for user and repo).
PARENTS: dict[str, str] = {
    "read:user": "user",
    "user:email": "user",
    "user:follow": "user",
    "repo:status": "repo",
    "repo_deployment": "repo",
    "public_repo": "repo",
    "repo:invite": "repo",
}


def unique(scopes: Iterable[str]) -> list[str]:
    """Scopes in request order with repeats dropped (GHE echoed request order)."""
    return list(dict.fromkeys(scopes))


def invalid(scopes: Iterable[str]) -> list[str]:
    return [scope for scope in scopes if scope not in VALID_SCOPES]


def header_value(scopes: Iterable[str]) -> str:
    """``X-OAuth-Scopes``: sorted, ``", "``-joined, children of a granted parent dropped."""
    granted = set(scopes)
    kept = {scope for scope in granted if PARENTS.get(scope) not in granted}
    return ", ".join(sorted(kept))
