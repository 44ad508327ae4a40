"""Optional test dependencies: a skip on a developer's machine, a failure in CI.

The client libraries (extra ``clients``) and Selenium (extra ``browser``) are optional for a
developer who installed only ``.[test]``: their tests skip, saying which extra to install. In
CI (``CI`` set, as ``.ci/run`` runs) a missing part is an error, never a silent skip:
``tests/install-deps.sh`` installs every extra.
"""

from __future__ import annotations

import importlib
import os

import pytest


def require(extra: str, *modules: str) -> None:
    """Import ``modules`` or skip the calling test module (fail it when ``CI`` is set)."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            message = (
                f"{module} is not installed: pip install -e '.[{extra}]' "
                "(bash tests/install-deps.sh installs every extra)"
            )
            if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
                raise ImportError(f"{message}; in CI a missing part fails, never skips") from error
            pytest.skip(message, allow_module_level=True)
