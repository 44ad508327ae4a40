"""The HTTP edge of errors: GHE 2.18's status, body and headers for each domain error.

``GHEError`` is an answer already shaped for the wire (a request that could not be parsed, an
admin refusal); ``for_domain_error`` is the one table that maps the store's domain errors
(``fake_ghe.errors``) onto such answers. Bodies keep GHE's key order: message, errors,
documentation_url.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import errors as domain
from .errors import FakeGHEError

DOCS = "https://developer.github.com/enterprise/2.18/v3"
AUTH_DOCS = f"{DOCS}/oauth_authorizations/#oauth-authorizations-api"
OTP_DOCS = f"{DOCS}/auth#working-with-two-factor-authentication"
RATE_LIMIT_DOCS = f"{DOCS}/#rate-limiting"
CREATE_DOCS = f"{DOCS}/oauth_authorizations/#create-a-new-authorization"
UPDATE_DOCS = f"{DOCS}/oauth_authorizations/#update-an-existing-authorization"


class GHEError(FakeGHEError):
    """An answer shaped as GHE 2.18 sent it; ``fake_ghe.pipeline`` renders it."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        errors: list[Any] | None = None,
        documentation_url: str | None = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = dict(headers or {})
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        if self.documentation_url is not None:
            body["documentation_url"] = self.documentation_url
        return body


def bad_request(message: str) -> GHEError:
    return GHEError(message, status=400)


def not_found() -> GHEError:
    return GHEError("Not Found", status=404)


def rate_limit_headers(budget: Any) -> dict[str, str]:
    """X-RateLimit-* for a ``store.RateLimit`` (reset in epoch seconds, as GitHub sent it)."""
    return {
        "X-RateLimit-Limit": str(budget.limit),
        "X-RateLimit-Remaining": str(budget.remaining),
        "X-RateLimit-Reset": str(int(budget.reset_at.timestamp())),
    }


def field_error(problem: domain.FieldProblem) -> dict[str, Any]:
    """One entry of a 422 ``errors`` list, in GHE's key order (a message only for ``custom``)."""
    error: dict[str, Any] = {
        "resource": "OauthAccess",
        "code": problem.code,
        "field": problem.field,
    }
    if problem.code == "custom":
        error["message"] = problem.message
    return error


# ---------------------------------------------------------------------------- the table

# Each domain error -> its answer. ``docs`` is where the endpoint's validation rules are
# documented (create or update), which is what GHE linked from a 422.
_Render = Callable[[Any, str], GHEError]
_TABLE: dict[type[domain.DomainError], _Render] = {
    domain.InvalidInput: lambda error, docs: GHEError(
        "Validation Failed",
        status=422,
        errors=[field_error(problem) for problem in error.problems],
        documentation_url=docs,
    ),
    # Recorded without an errors list. [GHE_BEHAVIOR: rec]
    domain.InvalidClient: lambda error, docs: GHEError(
        "Invalid OAuth application client_id or secret.", status=422, documentation_url=CREATE_DOCS
    ),
    domain.NotFound: lambda error, docs: not_found(),
    domain.AuthenticationRequired: lambda error, docs: GHEError(
        "Requires authentication", status=401
    ),
    domain.BadCredentials: lambda error, docs: GHEError("Bad credentials", status=401),
    domain.PasswordRequired: lambda error, docs: GHEError(
        "This API can only be accessed with username and password Basic Auth",
        status=403,
        documentation_url=AUTH_DOCS,
    ),
    domain.TwoFactorRequired: lambda error, docs: GHEError(
        "Must specify two-factor authentication OTP code.",
        status=401,
        documentation_url=OTP_DOCS,
        headers={"X-GitHub-OTP": f"required; {error.method}"},
    ),
    domain.LoginLocked: lambda error, docs: GHEError(
        "Maximum number of login attempts exceeded. Please try again later.", status=403
    ),
    domain.RateLimited: lambda error, docs: GHEError(
        f"API rate limit exceeded for user ID {error.user_id}.",
        status=403,
        documentation_url=RATE_LIMIT_DOCS,
        headers=rate_limit_headers(error.budget),
    ),
}


def for_domain_error(error: domain.DomainError, docs: str = CREATE_DOCS) -> GHEError:
    """GHE's answer to ``error``; ``docs``: the documentation of the endpoint's rules."""
    for kind in type(error).__mro__:
        render = _TABLE.get(kind)
        if render is not None:
            return render(error, docs)
    raise TypeError(f"no HTTP answer is defined for {type(error).__name__}")


_View = Callable[..., Any]


def documented_at(url: str) -> Callable[[_View], _View]:
    """Mark a view whose 422s link ``url`` (GHE linked each endpoint's own section)."""

    def mark(view: _View) -> _View:
        view.validation_docs = url  # type: ignore[attr-defined]
        return view

    return mark
