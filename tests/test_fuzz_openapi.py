"""A small budget of benchmarks/fuzz_openapi.py in the normal suite: no operation of the
official description may answer 500, let an exception escape, or answer a body that is not JSON.

One test per operation, so ``-n 2`` spreads them. Each sends the fixed hostile corpus (every
odd path segment in every path parameter, odd bodies and queries) and a few schemathesis and
hostile examples with a fixed seed; the full run is ``python3 benchmarks/fuzz_openapi.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from . import openapi
from .optional import require

if sys.version_info < (3, 11):
    # setup.cfg installs it only from 3.11: schemathesis 4.32.5 and later need Python 3.11.
    pytest.skip("schemathesis 4.32.5+ needs Python 3.11", allow_module_level=True)
require("test", "schemathesis")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "fuzz_openapi.py"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Kinds of finding that fail the test; "slow" is left to the script (CI timing is noisy).
FAILING = ("500", "exception", "non-json", "schema")


def _load() -> ModuleType:
    name = "fake_ghe_fuzz_openapi"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def _labels() -> list[str]:
    # The description with the errata applied, as the script fuzzes it.
    paths = openapi.spec()["paths"]
    return [f"{m.upper()} {path}" for path, item in paths.items() for m in item if m in METHODS]


@pytest.mark.parametrize("label", _labels())
def test_no_server_error(label: str) -> None:
    fuzz = _load()
    fuzzer = fuzz.run(examples=4, seed_value=20190901, hostile_examples=12, labels=[label])
    assert label in fuzzer.covered
    failures = [f for f in fuzzer.failures if f.kind in FAILING]
    assert not failures, f"{label}: {len(failures)} distinct failure(s)\n" + "\n".join(
        f"{f.kind} -> {f.status}\n{f.request.describe()}\n    {f.detail}" for f in failures
    )
