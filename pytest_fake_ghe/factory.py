"""``fake_ghe_factory``: fakes for fixtures of a wider scope than one test.

What ``tmp_path_factory`` is to ``tmp_path``: the function-scoped ``fake_ghe`` gives every
test a fresh fake; a module- or session-scoped fixture asks the factory for its own, keeps its
state across the tests that share it, and leaves the closing to the factory. Imported only
once a fixture asks for the factory (it pulls in Flask).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from fake_ghe.errors import NotNow
from fake_ghe.fake import FakeGHE, FakeServerError

_P = ParamSpec("_P")


def _takes_the_arguments_of(
    constructor: Callable[_P, object],
) -> Callable[[Callable[..., FakeGHE]], Callable[Concatenate[FakeGHEFactory, _P], FakeGHE]]:
    """Type a factory method as taking ``constructor``'s arguments, and show them in
    ``help()``: one signature (FakeGHE's), not a copy that could drift from it."""

    signature = inspect.signature(constructor)
    own = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    as_method = signature.replace(
        parameters=[own, *signature.parameters.values()], return_annotation="FakeGHE"
    )

    def typed(method: Callable[..., FakeGHE]) -> Callable[..., FakeGHE]:
        method.__signature__ = as_method  # type: ignore[attr-defined]
        return method

    return typed


class FakeGHEFactory:
    """Makes ``FakeGHE`` objects that live as long as the fixture holding them.

    ``create(...)`` takes ``FakeGHE``'s own arguments (``hostname``, ``scenario``, ``seed``,
    ``frozen_at``, sign-in settings) and returns the fake unstarted; ``intercepted(...)``
    and ``served(...)`` return it intercepting ``requests`` or served on a free port. Every
    fake it made is closed when the session ends; an error inside one fails the test during
    which it happened (at its teardown), or the session's end.
    """

    def __init__(self) -> None:
        self._fakes: list[FakeGHE] = []
        self._intercepting: list[FakeGHE] = []
        self._served: list[FakeGHE] = []

    @property
    def fakes(self) -> tuple[FakeGHE, ...]:
        """The fakes made so far, oldest first."""
        return tuple(self._fakes)

    @_takes_the_arguments_of(FakeGHE)
    def create(self, *args: Any, **kwargs: Any) -> FakeGHE:
        """A new fake, neither intercepting nor served yet (``FakeGHE``'s arguments)."""
        fake = FakeGHE(*args, **kwargs)
        self._fakes.append(fake)
        return fake

    @_takes_the_arguments_of(FakeGHE)
    def intercepted(self, *args: Any, **kwargs: Any) -> FakeGHE:
        """A new fake answering ``requests`` in-process at its ``hostname`` until the session
        ends. [decision] Give it a hostname of its own when tests that share it also use
        ``fake_ghe`` (both answer ``ghe.example.com`` by default)."""
        # While a fake intercepts, requests to hosts nobody answers fail: the factory's served
        # fakes stay reachable (as fake_ghe_server stays reachable from fake_ghe).
        fake = self.create(*args, **kwargs).intercept(passthrough=self.served_urls())
        self._intercepting.append(fake)
        return fake

    @_takes_the_arguments_of(FakeGHE)
    def served(self, *args: Any, **kwargs: Any) -> FakeGHE:
        """A new fake served on ``127.0.0.1`` and a free port until the session ends."""
        fake = self.create(*args, **kwargs).serve()
        self._served.append(fake)
        for intercepting in self._intercepting:
            with contextlib.suppress(NotNow):  # it stopped intercepting: nothing to let through
                intercepting.passthrough(fake.root_url)
        return fake

    def served_urls(self) -> list[str]:
        """The root URLs of the served fakes it made that still serve."""
        return [fake.root_url for fake in self._served if fake.server is not None]

    def close(self) -> None:
        """Close every fake made, then raise ``FakeServerError`` if any failed inside."""
        __tracebackhide__ = True
        for fake in self._fakes:
            fake.close()
        errors = [error for fake in self._fakes for error in _drained(fake)]
        if errors:
            raise FakeServerError(errors)


def _drained(fake: FakeGHE) -> list[BaseException]:
    try:
        fake.check()
    except FakeServerError as error:
        return error.errors
    return []
