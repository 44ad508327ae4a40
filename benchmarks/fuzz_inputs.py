"""Hostile inputs the fuzzer sends (odd path segments, JSON values, raw bodies, headers,
queries)
and real values for the fields a body may name.
"""

from __future__ import annotations

import json
from typing import Any

from fuzz_world import CLIENT_ID, CLIENT_SECRET, FINGERPRINT, OTHER_CLIENT_ID, OTHER_SECRET, TOKENS
from hypothesis import strategies as st

from fake_ghe import Store

# Field values that pass validation, so that positive data creates and updates tokens.
VALID_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "scopes": st.sampled_from([[], ["repo"], ["user", "gist"], ["admin:org", "read:org"]]),
    "add_scopes": st.sampled_from([[], ["gist"], ["repo", "user:email"]]),
    "remove_scopes": st.sampled_from([[], ["repo"], ["gist", "nonexistent"]]),
    "note": st.text(min_size=1, max_size=20),
    "note_url": st.sampled_from(["https://example.com/n", "", None]),
    "client_id": st.sampled_from([CLIENT_ID, OTHER_CLIENT_ID]),
    "client_secret": st.sampled_from([CLIENT_SECRET, OTHER_SECRET]),
    "fingerprint": st.one_of(st.none(), st.text(max_size=20), st.just(FINGERPRINT)),
}


def real_values(store: Store) -> dict[str, list[str]]:
    """Path parameter values that name things in the seeded store."""
    with store.lock:
        auth_ids = [str(a.id) for a in store.authorizations()]
        grant_ids = [str(g.id) for g in store.grants()]
    return {
        "authorization_id": [*auth_ids, "1", "999"],
        "grant_id": [*grant_ids, "1", "999"],
        "client_id": [CLIENT_ID] * 4 + [OTHER_CLIENT_ID, "00000000000000000000"],
        "access_token": [*TOKENS.values(), "0" * 40],
        "fingerprint": [FINGERPRINT, "new-fingerprint"],
    }


# Path parameter values, already percent-encoded as they go on the wire.
HOSTILE_SEGMENTS = [
    "%0A",
    "abc%0Adef",
    "%00",
    "abc%00",
    "%0D%0A",
    "1%0A",
    "%0A1",
    "%09",
    "%20",
    "%20%201",
    "-1",
    "0",
    "00001",
    "+1",
    "1e3",
    "0x10",
    "1.0",
    "99999999999999999999999999999",
    "x" * 5000,
    "9" * 4301,
    "%ED%A0%80",
    "%ED%B0%80",
    "%FF",
    "%C0%AF",
    "%E2%80%AE",
    "%F0%9F%98%80",
    "%25",
    "%2F",
    "..",
    "%2E%2E",
    "a%2Fb",
    "%3F",
    "%23",
    "~",
    "%EF%BC%91",
    "%D9%A3",
]

HOSTILE_JSON_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    1e308,
    "",
    " ",
    "\ud800",
    "\udfff",
    "a\x00b",
    "\u202e",
    "\U0001f600",
    "x" * 100_000,
    [],
    [None],
    [1, 2],
    ["\ud800"],
    ["repo", "repo"],
    {},
    {"a": 1},
]
FIELDS = [
    "scopes",
    "add_scopes",
    "remove_scopes",
    "note",
    "note_url",
    "client_id",
    "client_secret",
    "fingerprint",
]


def _raw_bodies() -> list[bytes]:
    return [
        b"",
        b"null",
        b"true",
        b"1",
        b'"a string"',
        b"[]",
        b"[1,2]",
        b"{",
        b"{}}",
        b"\x00",
        b'{"note": "\\ud800"}',
        b'{"scopes": ["\\udc00"]}',
        b'{"fingerprint": "\\ud800"}',
        b'{"client_secret": "\\ud800", "note": "x"}',
        b'{"note_url": "\\udfff\\ud800"}',
        b'{"note": "\xed\xa0\x80"}',
        b'{"note": "\xff\xfe"}',
        b"\xef\xbb\xbf{}",
        b'{"note": NaN}',
        b'{"scopes": Infinity}',
        b'{"scopes": 1e999}',
        b'{"note": "a", "note": 5}',
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
        b'{"scopes": "' + b"r" * 1_000_000 + b'"}',
        b'{"scopes": [' + b'"repo",' * 50_000 + b'"repo"]}',
        b'{"note": "' + "\U0001f600".encode() * 10_000 + b'"}',
        json.dumps({"note": "\ud800", "scopes": ["\udbff"], "fingerprint": "\udc00"}).encode(),
    ]


RAW_BODIES = _raw_bodies()
ODD_HEADERS: list[dict[str, str]] = [
    {"If-None-Match": '"bogus"'},
    {"If-None-Match": "*"},
    {"If-Modified-Since": "yesterday"},
    {"If-Modified-Since": "Mon, 01 Jan 0001 00:00:00 GMT"},
    {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"Content-Type": "text/plain"},
    {"Content-Type": "application/json; charset=latin-1"},
    {"Content-Type": "multipart/form-data"},
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Accept": "application/xml"},
    {"Accept": "application/vnd.github.v3+json"},
    {"Origin": "https://evil.example.com"},
    {"X-HTTP-Method-Override": "DELETE"},
    {"Content-Encoding": "gzip"},
    {"X-GitHub-OTP": "1" * 10_000},
    {"X-GitHub-OTP": "１２３４５６"},
]
ODD_QUERIES: list[str] = [
    "page=-1",
    "page=0",
    "page=abc",
    "per_page=0",
    "per_page=-5",
    "per_page=1e3",
    "page=99999999999999999999999999",
    "per_page=99999999999999999999999",
    "page=%00",
    "page=1%0A",
    "per_page=%EF%BC%91",
    "page=&per_page=",
    "page=1&page=2",
    "access_token=",
    f"access_token={TOKENS['app']}",
    "access_token=%00",
    "client_id=%0A",
    "page[]=1",
    "%FF=%FF",
    "a=" + "b" * 10_000,
]
