"""The pytest plugin, driven through ``pytester``: scenarios from the marker, the ini file and the
command line."""

from __future__ import annotations

from textwrap import dedent

import pytest

from .plugin_support import run

OTHER_SCENARIO = """\
users:
  - login: {login}
    password: pw
"""


# ------------------------------------------------------------------ scenarios


def test_marker_scenario_resolves_against_the_test_folder_then_rootdir(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", **{"sub/local": OTHER_SCENARIO.format(login="local")})
    pytester.makefile(".yaml", root=OTHER_SCENARIO.format(login="root"))
    pytester.makefile(".yaml", **{"sub/root": OTHER_SCENARIO.format(login="shadowed")})
    pytester.makepyfile(
        **{
            "sub/test_marked": """
            import pytest

            @pytest.mark.fake_ghe(scenario="local.yaml")
            def test_local(fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["local"]

            @pytest.mark.fake_ghe("root.yaml")
            def test_the_test_folder_comes_first(fake_ghe_server):
                assert [u.login for u in fake_ghe_server.users()] == ["shadowed"]

            @pytest.mark.fake_ghe(scenario="sub/local.yaml")
            def test_rootdir_second(fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["local"]

            def test_unmarked(fake_ghe):
                assert fake_ghe.users() == []
            """
        }
    )
    run(pytester).assert_outcomes(passed=4)


def test_closest_marker_wins_and_a_mapping_is_a_scenario(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", module=OTHER_SCENARIO.format(login="module"))
    pytester.makefile(".yaml", klass=OTHER_SCENARIO.format(login="klass"))
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.fake_ghe(scenario="module.yaml", hostname="ghe.corp")

        def test_module_marker(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["module"]
            assert fake_ghe.base_url == "https://ghe.corp/api/v3"

        @pytest.mark.fake_ghe(scenario="klass.yaml")
        class TestClass:
            def test_class_marker(self, fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["klass"]
                assert fake_ghe.base_url == "https://ghe.corp/api/v3"  # from the module

            @pytest.mark.fake_ghe(scenario={"users": [{"login": "inline", "password": "pw"}]})
            def test_mapping(self, fake_ghe):
                assert [u.login for u in fake_ghe.users()] == ["inline"]

            @pytest.mark.fake_ghe(scenario=None)
            def test_none_means_empty(self, fake_ghe):
                assert fake_ghe.users() == []
        """
    )
    run(pytester, "--strict-markers").assert_outcomes(passed=4)


def test_ini_options_and_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ini=OTHER_SCENARIO.format(login="from-ini"))
    pytester.makefile(".yaml", cli=OTHER_SCENARIO.format(login="from-cli"))
    pytester.makefile(".yaml", marked=OTHER_SCENARIO.format(login="from-marker"))
    pytester.makeini(
        """
        [pytest]
        fake_ghe_scenario = ini.yaml
        fake_ghe_hostname = github.corp.example:8443
        """
    )
    pytester.makepyfile(
        """
        import os
        import pytest
        import requests

        EXPECTED = os.environ["EXPECTED_LOGIN"]

        def test_scenario(fake_ghe, fake_ghe_server):
            assert [u.login for u in fake_ghe.users()] == [EXPECTED]
            assert [u.login for u in fake_ghe_server.users()] == [EXPECTED]

        def test_hostname(fake_ghe, fake_ghe_server):
            assert fake_ghe.base_url == "https://github.corp.example:8443/api/v3"
            assert requests.get(fake_ghe.url("/meta")).status_code == 200
            # The live fake is where its socket is, whatever the configured name.
            assert fake_ghe_server.base_url.startswith("http://127.0.0.1:")

        @pytest.mark.fake_ghe(scenario="marked.yaml", hostname="ghe.marked")
        def test_marker_beats_both(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["from-marker"]
            assert fake_ghe.base_url == "https://ghe.marked/api/v3"
        """
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPECTED_LOGIN", "from-ini")
        run(pytester).assert_outcomes(passed=3)
        patch.setenv("EXPECTED_LOGIN", "from-cli")
        run(pytester, "--fake-ghe-scenario", "cli.yaml").assert_outcomes(passed=3)


def test_scenario_files_are_read_once_per_session_unless_changed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", s=OTHER_SCENARIO.format(login="first"))
    pytester.makepyfile(
        """
        from pathlib import Path
        import pytest

        from fake_ghe.scenario import reader

        READS = []

        @pytest.fixture(autouse=True)
        def count_parses(monkeypatch):
            real = reader.read_bytes
            def counting(raw, file="<scenario>"):
                READS.append(file)
                return real(raw, file)
            monkeypatch.setattr("pytest_fake_ghe.session.read_bytes", counting)

        @pytest.mark.fake_ghe("s.yaml")
        @pytest.mark.parametrize("n", range(3))
        def test_same_file(fake_ghe, n):
            assert [u.login for u in fake_ghe.users()] == ["first"]

        @pytest.mark.fake_ghe("s.yaml")
        def test_changed_file_is_read_again(fake_ghe, request):
            assert READS == ["s.yaml"]
            Path("s.yaml").write_text("users: [{login: second-version, password: pw}]")

        @pytest.mark.fake_ghe("s.yaml")
        def test_sees_the_change(fake_ghe):
            assert [u.login for u in fake_ghe.users()] == ["second-version"]
            assert READS == ["s.yaml", "s.yaml"]
        """
    )
    run(pytester).assert_outcomes(passed=5)


# ------------------------------------------------------------------ failure messages


def test_a_bad_scenario_fails_setup_with_file_line_messages(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        **{
            "data/bad": dedent(
                """\
                users:
                  - login: octocat
                authorizations:
                  - user: nobody
                    scopes: [repo, flying]
                """
            )
        },
    )
    pytester.makepyfile(
        **{
            "data/test_bad": """
            import pytest

            @pytest.mark.fake_ghe(scenario="bad.yaml")
            def test_never_runs(fake_ghe):
                raise AssertionError("the test body must not run")
            """
        }
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_never_runs*",
            "fake-ghe: the scenario from @pytest.mark.fake_ghe(scenario=...) has 3 problems:",
            "data/bad.yaml:2: users[0].password: required key is missing",
            "data/bad.yaml:4: authorizations[0].user: no user 'nobody'; known users: octocat",
            "data/bad.yaml:5: authorizations[0].scopes[1]: unknown OAuth scope 'flying'",
        ]
    )
    # A message, not a traceback from inside the loader.
    assert "fake_ghe/scenario" not in result.stdout.str()
    assert "the test body must not run" not in result.stdout.str()


def test_a_missing_scenario_file_says_where_it_looked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_missing="""
        def test_x(fake_ghe_server):
            pass
        """
    )
    result = run(pytester, "--fake-ghe-scenario", "nowhere.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "fake-ghe: scenario file 'nowhere.yaml' (from --fake-ghe-scenario) not found; "
            "looked in:",
            f"  {pytester.path / 'nowhere.yaml'}",
        ]
    )
