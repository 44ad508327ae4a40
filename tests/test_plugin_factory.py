"""``fake_ghe_factory``: fakes for module- and session-scoped fixtures, closed at session end,
their inner failures still failing a test (issue 11, "a public factory fixture")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .plugin_support import run

README = Path(__file__).resolve().parent.parent / "README.md"

MODULE_SCOPED = """
import pytest, requests

@pytest.fixture(scope="module")
def team_ghe(fake_ghe_factory):
    scenario = {"users": [{"login": "octocat", "password": "s3cret"}]}
    with fake_ghe_factory.served(scenario=scenario) as fake:  # closed when the module ends
        yield fake

def test_first_makes_a_token(team_ghe):
    made = requests.post(team_ghe.url("/authorizations"), auth=("octocat", "s3cret"),
                         json={"note": "kept"}, timeout=5)
    assert made.status_code == 201

def test_second_sees_it(team_ghe):
    # State lives as long as the fixture: the module's tests share it.
    listed = requests.get(team_ghe.url("/authorizations"), auth=("octocat", "s3cret"), timeout=5)
    assert [auth["note"] for auth in listed.json()] == ["kept"]
    PORTS.append(team_ghe.server.port)

PORTS = []
"""


def test_a_module_scoped_fake_keeps_its_state_across_the_modules_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_team=MODULE_SCOPED)
    pytester.makepyfile(
        test_other="""
        import requests

        def test_a_fresh_fake_for_another_module(fake_ghe_factory):
            with fake_ghe_factory.intercepted(hostname="other.example") as fake:
                assert fake.users() == [] and len(fake_ghe_factory.fakes) == 2
                assert requests.get(fake.url("/meta"), timeout=5).status_code == 200
        """
    )
    run(pytester, "test_team.py", "test_other.py").assert_outcomes(passed=3)


def test_fake_ghe_and_an_intercepted_fake_reach_the_factorys_served_fakes(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest, requests

        @pytest.fixture(scope="module")
        def intercepted(fake_ghe_factory):
            with fake_ghe_factory.intercepted(hostname="in.example") as fake:
                yield fake

        @pytest.fixture(scope="module")
        def served(fake_ghe_factory, intercepted):
            with fake_ghe_factory.served() as fake:
                yield fake

        def test_all_three(fake_ghe, intercepted, served):
            for fake in (fake_ghe, intercepted, served):
                assert requests.get(fake.url("/meta"), timeout=5).status_code == 200
            assert [len(fake.calls) for fake in (fake_ghe, intercepted, served)] == [1, 1, 1]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_factory_closes_its_fakes_when_the_session_ends(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        MADE = []

        @pytest.fixture(scope="session")
        def shared(fake_ghe_factory):
            MADE.append(fake_ghe_factory.served())
            MADE.append(fake_ghe_factory.intercepted(hostname="shared.example"))
            return MADE

        def pytest_unconfigure(config):
            served, intercepted = MADE
            # Both closed by the factory: no server left, the interception ended.
            print(f"\\nAFTER: server={served.server} intercepting={intercepted.base_url}")
        """
    )
    pytester.makepyfile(
        """
        import requests

        def test_uses(shared):
            served, intercepted = shared
            assert requests.get(served.url("/meta"), timeout=5).ok
            assert requests.get(intercepted.url("/meta"), timeout=5).ok
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["AFTER: server=None intercepting=https://shared.example/api/v3"])
    # And the interception is gone: the host is no longer answered in-process.
    pytester.makepyfile(
        test_after="""
        import pytest, requests

        def test_gone():
            with pytest.raises(requests.ConnectionError):
                requests.get("https://shared.example/api/v3/meta", timeout=2)
        """
    )
    run(pytester, "test_after.py").assert_outcomes(passed=1)


def test_an_error_inside_a_factory_fake_fails_the_test_it_happened_in(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest, requests

        @pytest.fixture(scope="module")
        def ghe(fake_ghe_factory):
            return fake_ghe_factory.intercepted(hostname="factory.example")

        def test_breaks_it(ghe, monkeypatch):
            def broken(**fields):
                raise RuntimeError("bug inside the fake")

            monkeypatch.setattr(ghe.store.journal, "call", broken)
            assert requests.get(ghe.url("/meta"), timeout=5).status_code == 500

        def test_after_is_not_blamed(ghe):
            assert requests.get(ghe.url("/meta"), timeout=5).status_code == 200
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_breaks_it*"])
    assert "RuntimeError: bug inside the fake" in result.stdout.str()


def test_a_failing_test_explains_the_factory_fake_it_holds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest, requests

        @pytest.fixture(scope="module")
        def ghe(fake_ghe_factory):
            fake_ghe_factory.create()  # made, never used by the test below
            return fake_ghe_factory.intercepted(hostname="held.example")

        def test_earlier(ghe):
            requests.get(ghe.url("/earlier"), timeout=5)

        def test_fails(ghe):
            requests.get(ghe.url("/meta"), timeout=5)
            assert False
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    found = re.search(r"fake-ghe calls and events: fake_ghe_factory's fake #2 -+\n(.*)", output)
    assert found and found.group(1).startswith(
        "fake_ghe_factory's fake #2 at https://held.example/api/v3: 1 call and 0 events"
    )
    assert re.search(r"#\d+ GET /api/v3/meta -> 200", output)
    assert "/earlier" not in output  # the earlier test's call was not this test's
    assert "fake #1" not in output  # neither held by the test nor called during it


def test_the_factorys_methods_take_fakeghes_arguments(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import inspect
        from fake_ghe import FakeGHE

        def test_signature(fake_ghe_factory):
            mine = inspect.signature(fake_ghe_factory.create)
            assert list(mine.parameters) == list(inspect.signature(FakeGHE).parameters)
            fake = fake_ghe_factory.create(hostname="ghe.corp", seed=7)
            assert fake.base_url == "https://ghe.corp/api/v3" and fake.server is None
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_readmes_module_scoped_example_runs_as_written(pytester: pytest.Pytester) -> None:
    blocks = dict(
        re.findall(r"<!-- factory-example:(\S+) -->\s*```\w*\n(.*?)```", README.read_text(), re.S)
    )
    assert sorted(blocks) == ["conftest.py", "test_team.py"]
    for name, text in blocks.items():
        (pytester.path / name).write_text(text)
    run(pytester).assert_outcomes(passed=2)
    # In the other order the state the second test needs is not there: they do share it.
    run(pytester, "test_team.py::test_the_next_test_sees_it").assert_outcomes(failed=1)
