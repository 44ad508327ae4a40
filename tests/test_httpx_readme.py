"""The README's async httpx example runs as written: pasted into an empty folder as a test
file, it passes against the plugin's ``fake_ghe``."""

from __future__ import annotations

import pytest

from .plugin_support import run
from .test_readme import block_after


def test_the_async_httpx_example_runs_as_written(pytester: pytest.Pytester) -> None:
    example = block_after("httpx-async-example")
    name = example.splitlines()[0].removeprefix("# ").strip()
    assert name == "test_notes.py"
    (pytester.path / name).write_text(example)
    result = run(pytester)
    result.assert_outcomes(passed=1)
