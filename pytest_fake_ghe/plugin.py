"""pytest fixtures for fake-ghe: ``fake_ghe`` (in-process) and ``fake_ghe_server`` (a socket).

Registered through the ``pytest11`` entry point, so this module is imported by every pytest
run of every user: it imports only pytest at module level. Flask, responses and the fake
itself are imported the first time a test asks for a fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fake_ghe.fake import FakeGHE

    from .factory import FakeGHEFactory
    from .options import FakeGHESettings
    from .session import Fakes
    from .watch import Watch

MARKER_HELP = (
    "fake_ghe(scenario=None, hostname=None, passthrough=(), lockout_threshold=None, "
    "lockout_window=None, otp_window=None, unfired_faults=None, httpx=None): how the fake_ghe and "
    "fake_ghe_server fixtures start this test: a YAML scenario (path relative to the test "
    "file's folder, then rootdir) or a mapping, the host the in-process fake answers, URL "
    "prefixes that may still reach the network, sign-in rules (wrong passwords before a "
    "lockout, its length in seconds, TOTP steps allowed either side of now), and what faults "
    "the test armed but never fired do at teardown (warn, error or ignore); httpx=True: "
    "fake_ghe intercepts every httpx client of the process too."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fake-ghe", "fake GitHub Enterprise (fake_ghe fixtures)")
    group.addoption(
        "--fake-ghe-scenario",
        dest="fake_ghe_scenario",
        metavar="PATH",
        default=None,
        help="YAML scenario loaded into the fake before every test that uses it (overrides "
        "the fake_ghe_scenario ini option; a fake_ghe marker overrides both).",
    )
    parser.addini(
        "fake_ghe_scenario",
        "YAML scenario loaded into the fake before every test that uses it.",
        default="",
    )
    parser.addini(
        "fake_ghe_hostname",
        "Host the in-process fake_ghe answers (default ghe.example.com).",
        default="",
    )
    parser.addini(
        "fake_ghe_passthrough",
        "URL prefixes that requests may still reach for real while fake_ghe patches requests.",
        type="linelist",
        default=[],
    )
    parser.addini(
        "fake_ghe_unfired_faults",
        "What a fault a test armed on fake_ghe or fake_ghe_server but never fired does at "
        "teardown: warn (a FakeGHEFaultWarning, the default), error (the test errors) or ignore.",
        default="warn",
    )
    parser.addini(
        "fake_ghe_httpx",
        "fake_ghe intercepts every httpx client of the process too, not only requests "
        "(FakeGHE.intercept(httpx=True)); a fake_ghe marker's httpx= decides for its test.",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


@pytest.fixture(scope="session")
def _fake_ghe_fakes(pytestconfig: pytest.Config) -> Iterator[Fakes]:
    """One in-process and one live fake per session (per xdist worker), started on demand."""
    from .session import Fakes

    fakes = Fakes(pytestconfig.invocation_params.dir)
    yield fakes
    fakes.close()


@pytest.fixture
def fake_ghe_settings(request: pytest.FixtureRequest) -> FakeGHESettings:
    """How this test's fake starts, from its ``fake_ghe`` marker, the command line and the ini
    file. Override it in a conftest.py to decide in Python."""
    from .options import settings_for

    return settings_for(request)


@pytest.fixture
def fake_ghe(
    request: pytest.FixtureRequest,
    _fake_ghe_fakes: Fakes,
    fake_ghe_settings: FakeGHESettings,
) -> Iterator[FakeGHE]:
    """A fresh fake GHE answering ``requests`` in-process at ``fake_ghe.base_url``
    (``https://ghe.example.com/api/v3`` unless configured); httpx too with
    ``@pytest.mark.fake_ghe(httpx=True)`` or ``fake_ghe_httpx = true``.

    OAuth web flow: ``fake_ghe.authorize(login, app, scopes=..., redirect_uri=...)`` is the
    code a user's "Authorize" click sends back; exchange it at
    ``fake_ghe.root_url + "/login/oauth/access_token"``."""
    fake = _fake_ghe_fakes.prepare(_fake_ghe_fakes.in_process, fake_ghe_settings, live=False)
    watched = _watch(request.node, "fake_ghe", fake)
    passthrough = list(fake_ghe_settings.passthrough)
    if "fake_ghe_server" in request.fixturenames:
        # The test talks to both: the live fake must stay reachable through the patch.
        passthrough.append(request.getfixturevalue("fake_ghe_server").root_url)
    factory = request.config.stash.get(_FACTORY, None)
    if factory is not None:  # and so must the served fakes of wider-scoped fixtures
        passthrough += factory.served_urls()
    fake.intercept(passthrough=passthrough, httpx=fake_ghe_settings.httpx)
    try:
        yield fake
    finally:
        fake.close()
    _finish(request.node, watched, _fake_ghe_fakes, fake_ghe_settings)


@pytest.fixture
def fake_ghe_server(
    request: pytest.FixtureRequest, _fake_ghe_fakes: Fakes, fake_ghe_settings: FakeGHESettings
) -> Iterator[FakeGHE]:
    """A fresh fake GHE served on 127.0.0.1 and a free port, for any HTTP client;
    ``fake_ghe_server.base_url`` is ``http://127.0.0.1:PORT/api/v3``. (Closing it only stops
    it for the rest of this test: the next one gets it served again.)

    OAuth web flow: a browser signs in, gives a two-factor code (``fake_ghe_server.otp``) and
    consents at ``fake_ghe_server.root_url + "/login/oauth/authorize?client_id=..."``; or skip
    the pages with ``fake_ghe_server.authorize(...)``, as with ``fake_ghe``."""
    fake = _fake_ghe_fakes.prepare(_fake_ghe_fakes.live, fake_ghe_settings, live=True)
    watched = _watch(request.node, "fake_ghe_server", fake)
    yield fake
    _finish(request.node, watched, _fake_ghe_fakes, fake_ghe_settings)


@pytest.fixture(scope="session")
def fake_ghe_factory(pytestconfig: pytest.Config) -> Iterator[FakeGHEFactory]:
    """Makes fakes for module- or session-scoped fixtures (as ``tmp_path_factory`` does
    directories): ``create(...)``, ``intercepted(...)`` or ``served(...)`` with ``FakeGHE``'s
    arguments. They keep their state across the tests that share them and are closed when the
    session ends; an error inside one fails the test it happened in (at teardown)."""
    from .factory import FakeGHEFactory

    factory = FakeGHEFactory()
    pytestconfig.stash[_FACTORY] = factory
    try:
        yield factory
    finally:
        del pytestconfig.stash[_FACTORY]
    factory.close()


# ------------------------------------------------------------------ a failing test explains itself

_WATCHES = pytest.StashKey["list[Watch]"]()
_EXPLAINED = pytest.StashKey[bool]()
_FACTORY = pytest.StashKey["FakeGHEFactory"]()


class FakeGHEFaultWarning(pytest.PytestWarning):
    """A fault a test armed that never fired (or not all its times): a mistyped glob?"""


def _watch(item: pytest.Item, label: str, fake: FakeGHE) -> Watch:
    """Note where ``fake``'s journals stand, so a failure reports this test's part only."""
    from .watch import watch

    watched = watch(label, fake)
    item.stash.setdefault(_WATCHES, []).append(watched)
    return watched


def _finish(item: pytest.Item, watched: Watch, fakes: Fakes, settings: FakeGHESettings) -> None:
    """After a test: keep the unfired faults for its report, check the fake, then warn of (or
    fail on) those faults as ``unfired_faults`` says."""
    __tracebackhide__ = True
    watched.unfired = watched.fake.faults.unfired()
    fakes.finish(watched.fake)  # a failure inside the fake comes first: it is the fake's bug
    if not watched.unfired or settings.unfired_faults == "ignore":
        return
    from .watch import unfired_message

    message = unfired_message(item.nodeid, watched.label, watched.unfired)
    if settings.unfired_faults == "error":
        pytest.fail(f"fake-ghe: {message}", pytrace=False)
    item.warn(FakeGHEFaultWarning(message))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """A test that uses ``fake_ghe_factory`` (often through a fixture of a wider scope) gets the
    factory's fakes watched too, and fails at teardown if one failed inside meanwhile. (Here,
    not in setup: by now every fixture is set up, so the fakes they made exist.)"""
    factory = item.config.stash.get(_FACTORY, None)
    if factory is None or "fake_ghe_factory" not in getattr(item, "fixturenames", ()):
        return
    held = {id(value) for value in getattr(item, "funcargs", {}).values()}
    for number, fake in enumerate(factory.fakes, 1):
        watched = _watch(item, f"fake_ghe_factory's fake #{number}", fake)
        # The factory's other fakes are shown only if the test called them.
        watched.always_shown = id(fake) in held
        item.addfinalizer(fake.check)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """The first failed report of a test that used a fake carries a section per fake, as
    pytest's "Captured log" ones: the calls and events of that test (they travel in the report,
    so under xdist too)."""
    outcome = yield
    watches = item.stash.get(_WATCHES, None)
    if not watches or item.stash.get(_EXPLAINED, False):
        return
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed:
        return
    item.stash[_EXPLAINED] = True
    from .watch import TITLE, explained

    for watched in watches:
        text = explained(watched)
        if text is not None:
            report.sections.append((f"{TITLE}: {watched.label}", text))


# ------------------------------------------------------------------ a marker nothing reads
# (After the fixtures: ``pytest --fixtures`` lists them in "file:line" order, as text.)

FIXTURES = frozenset({"fake_ghe", "fake_ghe_server"})


class FakeGHEMarkerWarning(pytest.PytestWarning):
    """A ``fake_ghe`` marker that nothing reads: its test uses neither fixture."""


_UNUSED_MARKER = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note each test whose ``fake_ghe`` marker is silently ignored, to warn in its setup.

    A marker on the test itself is ignored when the test uses neither fixture (directly or
    through another fixture); one on a class or module only when no test under it uses one,
    as it rightly applies to just some of its tests otherwise.
    """
    uses = {item: bool(FIXTURES & set(getattr(item, "fixturenames", ()))) for item in items}
    used_under: set[object] = set()  # the collectors above a test that uses a fixture
    for item in items:
        if uses[item]:
            used_under.update(item.listchain()[:-1])
    for item in items:
        if uses[item]:
            continue
        for node, _ in item.iter_markers_with_node("fake_ghe"):
            if node is item or node not in used_under:
                item.stash[_UNUSED_MARKER] = (
                    f"{item.nodeid}: its fake_ghe marker is ignored: the test uses neither "
                    "the fake_ghe nor the fake_ghe_server fixture"
                )
                break


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Warned in setup, not at collection, so the warning is the test's own (and crosses xdist).
    message = item.stash.get(_UNUSED_MARKER, None)
    if message is not None:
        item.warn(FakeGHEMarkerWarning(message))  # located at the test, not here
