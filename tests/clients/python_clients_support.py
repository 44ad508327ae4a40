"""What the Python client test modules share."""

from __future__ import annotations

import re

TOKEN = re.compile(r"^[0-9a-f]{40}$")
