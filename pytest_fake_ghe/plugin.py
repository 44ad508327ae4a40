"""pytest fixtures for fake-ghe. Imports only pytest at module level (see issue 3)."""

from __future__ import annotations
