"""Everything fake-ghe raises at its users, from one base class.

The store and sign-in raise *domain* errors: what went wrong, in the fake's own words, with no
status codes or documentation URLs. ``fake_ghe.http_errors`` is the one table that turns each
into the status, body and headers GHE 2.18 answered.
"""

from __future__ import annotations

from typing import Any, NamedTuple

KeyPath = tuple[str | int, ...]


class FakeGHEError(Exception):
    """Base of every exception fake-ghe raises on purpose."""


class UsageError(FakeGHEError, ValueError):
    """An argument or setting the fake cannot take: a bad hostname, fault, window, cause..."""


class WrongType(UsageError, TypeError):
    """An argument of a type the fake does not take."""


class NotNow(FakeGHEError, RuntimeError):
    """A call the fake cannot take in its present state (e.g. while it is intercepting)."""


class DomainError(FakeGHEError):
    """The fake's model refused something (a request's verb, or seeding from Python or YAML)."""


# ---------------------------------------------------------------------------- invalid input


class FieldProblem(NamedTuple):
    """One thing wrong with one input field.

    ``field`` is the name GHE put in a 422's ``errors`` list (a personal token's note is its
    ``description`` there); ``code`` is GHE's (``missing_field``, ``invalid``,
    ``already_exists``, ``custom``); ``path`` is where the value sat in what was given
    (``("two_factor", "totp_secret")``, ``("scopes", 2)``), for scenario line numbers.
    """

    field: str
    code: str
    message: str
    path: KeyPath = ()

    @property
    def where(self) -> KeyPath:
        return self.path or (self.field,)

    def __str__(self) -> str:
        shown = ""
        for part in self.where:
            shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else part
        return f"{shown}: {self.message}"


class InvalidInput(DomainError, ValueError):
    """Input the model cannot hold; ``problems`` lists what is wrong, field by field."""

    def __init__(self, *problems: FieldProblem) -> None:
        self.problems: tuple[FieldProblem, ...] = problems
        super().__init__("; ".join(str(problem) for problem in problems))


# The name this error had when only seeding raised it; kept for users' ``except SeedError``.
SeedError = InvalidInput


# ---------------------------------------------------------------------------- lookups


class NotFound(DomainError, LookupError):
    """No such thing, or not the caller's: the two are indistinguishable on purpose."""

    def __init__(self, what: str = "not found") -> None:
        super().__init__(what)


class InvalidClient(DomainError):
    """An OAuth app's client_id and client_secret do not match a registered app."""

    def __init__(self) -> None:
        super().__init__("invalid OAuth application client_id or secret")


# ---------------------------------------------------------------------------- signing in


class AuthenticationRequired(DomainError):
    def __init__(self) -> None:
        super().__init__("no credentials were sent")


class BadCredentials(DomainError):
    def __init__(self) -> None:
        super().__init__("bad credentials")


class PasswordRequired(DomainError):
    """A token was sent where only ``login:password`` is taken (tokens cannot manage tokens)."""

    def __init__(self) -> None:
        super().__init__("only Basic login:password is accepted here")


class TwoFactorRequired(DomainError):
    """The user has two-factor auth and sent no valid code; ``method`` is how they get one."""

    def __init__(self, method: str) -> None:
        self.method = method
        super().__init__(f"a two-factor code is required ({method})")


class LoginLocked(DomainError):
    def __init__(self) -> None:
        super().__init__("too many failed logins; the login is locked for now")


class RateLimited(DomainError):
    """The user spent the rate-limit budget; ``budget`` is a ``store.RateLimit``."""

    def __init__(self, user_id: int, budget: Any) -> None:
        self.user_id = user_id
        self.budget = budget
        super().__init__(f"rate limit exceeded for user ID {user_id}")
