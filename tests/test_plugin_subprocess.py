"""What only a fresh interpreter can show: auto-registration, a light entry point, xdist."""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

import pytest

from .plugin_support import ROOT, UNNEEDED, run_subprocess

HEAVY = ("flask", "werkzeug", "responses", "yaml", "requests", "pyotp", "fake_ghe")


def pytest11_entry_point() -> tuple[str, str]:
    """The ``pytest11`` entry point setup.cfg declares: (name, module)."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    declared = parser["options.entry_points"]["pytest11"].strip()
    name, _, value = declared.partition("=")
    return name.strip(), value.strip()


def test_the_entry_point_registers_a_plugin_that_imports_only_pytest(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed distribution declaring setup.cfg's entry point, so pytest finds the plugin
    # the way it will for users, whether or not this checkout is pip-installed.
    name, value = pytest11_entry_point()
    assert value == "pytest_fake_ghe.plugin"
    site = pytester.mkdir("site")
    info = site / "fake_ghe_entry_point_check-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-ghe-entry-point-check\n")
    (info / "entry_points.txt").write_text(f"[pytest11]\n{name} = {value}\n")

    pytester.makeconftest(
        f"""
        import sys

        def pytest_sessionfinish(session):
            heavy = sorted(name for name in {HEAVY!r} if name in sys.modules)
            manager = session.config.pluginmanager
            print("HEAVY:", ", ".join(heavy) or "none")
            print("REGISTERED:", manager.get_plugin({name!r}).__name__)
            print("OPTION:", session.config.getini("fake_ghe_hostname") == "")
        """
    )
    pytester.makepyfile(
        """
        def test_plain_arithmetic():
            assert 1 + 1 == 2
        """
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(site)]))
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    # No -p: the entry point alone loads the plugin.
    result = pytester.run(sys.executable, "-m", "pytest", "-s", *UNNEEDED)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(
        ["*HEAVY: none", "REGISTERED: pytest_fake_ghe.plugin", "OPTION: True"]
    )


XDIST_TESTS = """
import os
from pathlib import Path

import httpx
import pytest
import requests

OUT = Path(os.environ["FAKE_GHE_OUT"])


@pytest.mark.parametrize("n", range(12))
def test_both_fixtures(n, fake_ghe, fake_ghe_server, worker_id):
    # Nothing left over from another test of this worker, nor from the other worker.
    assert fake_ghe.users() == [] and fake_ghe_server.users() == []
    fake_ghe.add_user("octocat", f"in-{n}")
    fake_ghe_server.add_user("octocat", f"live-{n}")
    assert fake_ghe.add_authorization("octocat").id == 1
    live = httpx.post(
        fake_ghe_server.url("/authorizations"), auth=("octocat", f"live-{n}"), json={"note": "n"}
    )
    assert live.status_code == 201 and live.json()["id"] == 1
    listed = requests.get(fake_ghe.url("/authorizations"), auth=("octocat", f"in-{n}"))
    assert [item["id"] for item in listed.json()] == [1]
    (OUT / f"{worker_id}-{n}").write_text(fake_ghe_server.base_url)
"""


def test_xdist_workers_each_get_their_own_fakes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("FAKE_GHE_OUT", str(out))
    pytester.makepyfile(test_parallel=XDIST_TESTS)
    result = run_subprocess(pytester, monkeypatch, "-n", "2")
    result.assert_outcomes(passed=12)

    urls: dict[str, set[str]] = {}
    for record in out.iterdir():
        worker = record.name.split("-")[0]
        urls.setdefault(worker, set()).add(record.read_text())
    assert sorted(urls) == ["gw0", "gw1"]
    # One live server per worker for its whole session, on ports that differ.
    assert all(len(seen) == 1 for seen in urls.values())
    assert len(urls["gw0"] | urls["gw1"]) == 2
