"""The README's "Sign in with GHE" example runs as written: the site and its tests, pasted
into an empty folder, pass against the plugin's ``fake_ghe``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .optional import require
from .plugin_support import run

# The example site signs in with requests-oauthlib (the clients extra).
require("clients", "requests_oauthlib")

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_sign_in_with_ghe_example_runs_as_written(pytester: pytest.Pytester):
    blocks = re.findall(
        r"<!-- web-flow-example:(\S+) -->\s*```\w*\n(.*?)```", README.read_text(), re.S
    )
    assert sorted(name for name, _ in blocks) == ["site_app.py", "test_site.py"]
    for name, text in blocks:
        (pytester.path / name).write_text(text)
    pytester.syspathinsert()
    result = run(pytester)
    result.assert_outcomes(passed=2)
