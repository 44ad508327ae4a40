"""Scenarios: each mistake is reported at its line, in words a user can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_ghe import totp

from .scenario_support import TOKEN, problems

# ---------------------------------------------------------------------------------- mistakes

CASES = {
    "unknown top-level key": (
        """
        version: 1
        user:
          - login: alice
        """,
        [
            "s.yaml:2: user: unknown key; expected one of:"
            " version, users, oauth_apps, authorizations"
        ],
    ),
    "unknown nested key": (
        """
        users:
          - login: alice
            password: pw
            admin: true
        """,
        [
            "s.yaml:4: users[0].admin: unknown key; expected one of: login, password, site_admin,"
            " name, email, two_factor"
        ],
    ),
    "required key missing": (
        """
        users:
          - login: alice
        oauth_apps:
          - client_id: aaaaaaaaaaaaaaaaaaaa
        """,
        [
            "s.yaml:2: users[0].password: required key is missing",
            "s.yaml:4: oauth_apps[0].name: required key is missing",
        ],
    ),
    "version other than 1": (
        "version: 2\n",
        ["s.yaml:1: version: unsupported version 2; this fake reads version 1"],
    ),
    "wrong types": (
        """
        users:
          - login: alice
            password: 1234
            site_admin: "yes"
          - login: false
            password: pw
        """,
        [
            "s.yaml:3: users[0].password: must be a string, not an int (quote it)",
            "s.yaml:4: users[0].site_admin: must be true or false, not a string",
            "s.yaml:5: users[1].login: must be a string, not the boolean false (quote it)",
        ],
    ),
    "sections that are not lists": (
        """
        users: alice
        authorizations:
          - user: alice
            note: n
            scopes: {repo: true}
        """,
        [
            "s.yaml:1: users: must be a list, not a string",
            "s.yaml:5: authorizations[0].scopes: must be a list of scopes or one scope,"
            " not a mapping",
        ],
    ),
    "login repeated, ignoring case": (
        """
        users:
          - login: alice
            password: pw
          - login: Alice
            password: pw
        """,
        ["s.yaml:4: users[1].login: user 'Alice' already exists (first at users[0], line 2)"],
    ),
    "client_id repeated or reserved": (
        """
        oauth_apps:
          - name: one
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: two
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: three
            client_id: "00000000000000000000"
        """,
        [
            "s.yaml:5: oauth_apps[1].client_id: an app with client_id 'aaaaaaaaaaaaaaaaaaaa'"
            " already exists (first at oauth_apps[0], line 2)",
            "s.yaml:7: oauth_apps[2].client_id: is reserved for personal access tokens",
        ],
    ),
    "token of a missing user or app": (
        """
        users:
          - login: alice
            password: pw
        oauth_apps:
          - name: tool
            client_id: aaaaaaaaaaaaaaaaaaaa
        authorizations:
          - user: bob
            app: aaaaaaaaaaaaaaaaaaaa
          - user: alice
            app: bbbbbbbbbbbbbbbbbbbb
        """,
        [
            "s.yaml:8: authorizations[0].user: no user 'bob'; known users: alice",
            "s.yaml:11: authorizations[1].app: no OAuth app with client_id or name"
            " 'bbbbbbbbbbbbbbbbbbbb'; known apps: aaaaaaaaaaaaaaaaaaaa",
        ],
    ),
    "bad two-factor settings": (
        """
        users:
          - login: short
            password: pw
            two_factor:
              type: sms
              totp_secret: ABCDEFGHABCDEFGH
          - login: robot
            password: pw
            two_factor:
              type: voice
              totp_secret: not-base-32!
          - login: other
            password: pw
            two_factor: {type: app}
        """,
        [
            "s.yaml:6: users[0].two_factor.totp_secret: " + totp.check_secret("ABCDEFGHABCDEFGH"),
            "s.yaml:10: users[1].two_factor.type: must be 'app' or 'sms', not 'voice'",
            "s.yaml:11: users[1].two_factor.totp_secret: " + totp.check_secret("not-base-32!"),
        ],
    ),
    "token value repeated": (
        f"""
        users:
          - login: alice
            password: pw
        authorizations:
          - user: alice
            note: one
            token: {TOKEN}
          - user: alice
            note: two
            token: {TOKEN}
        """,
        [
            "s.yaml:10: authorizations[1].token: token ...01234567 is already in use"
            " (first at authorizations[0], line 5)"
        ],
    ),
    "personal token with a repeated note": (
        """
        users:
          - login: alice
            password: pw
          - login: bob
            password: pw
        authorizations:
          - user: alice
            scopes: repo
          - user: alice
            note: laptop
          - user: bob
            note: laptop
          - user: ALICE
            note: laptop
        """,
        [
            "s.yaml:14: authorizations[3].note: 'ALICE' already has a personal token with this"
            " note (first at authorizations[1], line 9)",
        ],
    ),
    "fingerprint repeated for the same user and app": (
        """
        users:
          - login: alice
            password: pw
        oauth_apps:
          - name: tool
            client_id: aaaaaaaaaaaaaaaaaaaa
          - name: other
            client_id: bbbbbbbbbbbbbbbbbbbb
        authorizations:
          - user: alice
            app: aaaaaaaaaaaaaaaaaaaa
            fingerprint: laptop
          - user: alice
            app: bbbbbbbbbbbbbbbbbbbb
            fingerprint: laptop
          - user: alice
            app: aaaaaaaaaaaaaaaaaaaa
            fingerprint: laptop
        """,
        [
            "s.yaml:18: authorizations[2].fingerprint: 'alice' already has a token of this app"
            " with this fingerprint (first at authorizations[0], line 10)"
        ],
    ),
    "unknown scopes": (
        """
        users:
          - login: alice
            password: pw
        authorizations:
          - user: alice
            note: n
            scopes:
              - repo
              - write:everything
              - 7
          - user: alice
            note: m
            scopes: admin
        """,
        [
            "s.yaml:9: authorizations[0].scopes[1]: unknown OAuth scope 'write:everything'",
            "s.yaml:10: authorizations[0].scopes[2]: a scope must be a string, not int 7",
            "s.yaml:13: authorizations[1].scopes: unknown OAuth scope 'admin'",
        ],
    ),
    "YAML syntax error": (
        """
        users:
          - login: alice
            password: pw
           site_admin: true
        """,
        [
            "s.yaml:4: (document): invalid YAML: while parsing a block collection:"
            " did not find expected '-' indicator"  # libyaml's wording
        ],
    ),
    "a tag the safe loader refuses": (
        """
        users:
          - login: alice
            password: !!python/object/apply:os.system [echo hi]
        """,
        [
            "s.yaml:3: users[0].password: cannot read this value: could not determine a"
            " constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        ],
    ),
    "a date where a string belongs": (
        """
        users:
          - login: alice
            password: 2019-09-01
          - login: bob
            password: 2019-02-30
        """,
        [
            "s.yaml:3: users[0].password: must be a string, not a date (quote it)",
            "s.yaml:5: users[1].password: cannot read this value: day is out of range for month",
        ],
    ),
    "top level that is not a mapping": (
        """
        - login: alice
          password: pw
        """,
        ["s.yaml:1: (document): must be a mapping, not a list"],
    ),
    "empty document": (
        "# nothing here\n",
        ["s.yaml:1: (document): the document is empty; expected a mapping with users, ..."],
    ),
    "key repeated within one mapping": (
        """
        users:
          - login: alice
            password: one
            password: two
        users: []
        """,
        [
            "s.yaml:4: users[0].password: key repeated (first at line 3); YAML would keep only"
            " the last",
            "s.yaml:5: users: key repeated (first at line 1); YAML would keep only the last",
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_each_mistake_is_reported_at_its_line(in_tmp: Path, text: str, expected: list[str]) -> None:
    assert problems(text) == expected
