"""One exception hierarchy for everything a client can get wrong.

Handlers and the store raise these; ``fake_ghe.app`` is the one place that turns them into
GitHub-style JSON responses (keys in the order GHE sent them: message, errors,
documentation_url).
"""

from __future__ import annotations

from typing import Any

DOCS = "https://developer.github.com/enterprise/2.18/v3"
AUTH_DOCS = f"{DOCS}/oauth_authorizations/#oauth-authorizations-api"
OTP_DOCS = f"{DOCS}/auth#working-with-two-factor-authentication"
RATE_LIMIT_DOCS = f"{DOCS}/#rate-limiting"
CREATE_DOCS = f"{DOCS}/oauth_authorizations/#create-a-new-authorization"
UPDATE_DOCS = f"{DOCS}/oauth_authorizations/#update-an-existing-authorization"


class GHEError(Exception):
    """An error answered to the client as GHE 2.18 would have."""

    status: int = 400
    message: str = "Bad Request"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        documentation_url: str | None = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = dict(headers or {})
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        if self.documentation_url is not None:
            body["documentation_url"] = self.documentation_url
        return body


class BadRequest(GHEError):
    status = 400


class Unauthorized(GHEError):
    status = 401
    message = "Requires authentication"


class BadCredentials(Unauthorized):
    message = "Bad credentials"


class OTPRequired(Unauthorized):
    """Missing or wrong two-factor code; the header tells the client which kind to send."""

    message = "Must specify two-factor authentication OTP code."

    def __init__(self, method: str) -> None:
        super().__init__(
            documentation_url=OTP_DOCS, headers={"X-GitHub-OTP": f"required; {method}"}
        )


class Forbidden(GHEError):
    status = 403
    message = "Forbidden"


class BasicAuthOnly(Forbidden):
    message = "This API can only be accessed with username and password Basic Auth"

    def __init__(self) -> None:
        super().__init__(documentation_url=AUTH_DOCS)


class LoginLocked(Forbidden):
    message = "Maximum number of login attempts exceeded. Please try again later."


class RateLimited(Forbidden):
    def __init__(self, user_id: int, budget: Any) -> None:
        super().__init__(
            f"API rate limit exceeded for user ID {user_id}.",
            documentation_url=RATE_LIMIT_DOCS,
            headers=rate_limit_headers(budget),
        )


def rate_limit_headers(budget: Any) -> dict[str, str]:
    """X-RateLimit-* for a ``store.RateLimit`` (reset in epoch seconds, as GitHub sent it)."""
    return {
        "X-RateLimit-Limit": str(budget.limit),
        "X-RateLimit-Remaining": str(budget.remaining),
        "X-RateLimit-Reset": str(int(budget.reset_at.timestamp())),
    }


class NotFound(GHEError):
    status = 404
    message = "Not Found"


class ValidationFailed(GHEError):
    """422 with GitHub's ``errors`` list: resource, code, field (and message for ``custom``)."""

    status = 422
    message = "Validation Failed"

    def __init__(
        self, *errors: dict[str, Any], documentation_url: str | None = CREATE_DOCS
    ) -> None:
        super().__init__(errors=list(errors), documentation_url=documentation_url)


def field_error(code: str, field: str, message: str | None = None) -> dict[str, Any]:
    """One entry of a 422 ``errors`` list, in the key order GHE used."""
    error: dict[str, Any] = {"resource": "OauthAccess", "code": code, "field": field}
    if message is not None:
        error["message"] = message
    return error


class InvalidApp(GHEError):
    # Recorded without an errors list: {"message": "Invalid OAuth application client_id or secret."}
    status = 422
    message = "Invalid OAuth application client_id or secret."

    def __init__(self) -> None:
        super().__init__(documentation_url=CREATE_DOCS)
