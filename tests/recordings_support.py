"""The recorded exchanges (``exchanges.json``) as data, and the comparison helpers the replay
uses; the replay itself is ``recordings_replay.Replay``.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = Path(
    os.environ.get("FAKE_GHE_RECORDINGS")
    or ROOT.parent / "shared" / "recordings" / "exchanges.json"
)
START = datetime(2019, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
API = "https://ghe.example.com/api/v3"
GITHUB_API = "https://api.github.com"
# legitimate_differences: github.com's docs prefix vs GHE 2.18's, rewritten before comparing.
DOCS_REWRITES = (
    ("https://developer.github.com/v3", "https://developer.github.com/enterprise/2.18/v3"),
)
HEX40 = re.compile(r"[0-9a-f]{40}\Z")
ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")
PLACEHOLDER = re.compile(r"\{\{([^}]+)\}\}")
# One recorded item has hashed_token and token_last_eight null: a GitHub Classroom token of
# 2018-09-14 for which github.com showed no hash (its value is never shown in a list either).
# The fake cannot hold a token without a hash; legitimate_differences says hashes are compared
# structurally, so for this one item a string where null was recorded is not held against it.
UNHASHED = {("okrb18.list_page1", 219491231)}


def _load() -> dict[str, Any]:
    if not RECORDINGS.is_file():
        return {"sequences": []}
    data: dict[str, Any] = json.loads(RECORDINGS.read_text())
    return data


DATA = _load()
SEQUENCES = {sequence["name"]: sequence for sequence in DATA["sequences"]}


def _signature(item: dict[str, Any]) -> tuple[Any, ...]:
    app = item.get("app") or {}
    return (app.get("client_id"), item.get("note"), item.get("fingerprint"), item.get("scopes"))


def _rewrite_docs(url: str) -> str:
    for github, ghe in DOCS_REWRITES:
        if url.startswith(github) and not url.startswith(ghe):
            return ghe + url[len(github) :]
    return url


def _links(header: str) -> dict[str, str]:
    """rel -> page number: the host (api.github.com vs HOST/api/v3) is not compared."""
    found = {}
    for url, rel in re.findall(r'<([^>]*)>;\s*rel="([^"]+)"', header):
        page = re.search(r"[?&]page=(\d+)", url)
        found[rel] = page.group(1) if page else ""
    return found


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]
