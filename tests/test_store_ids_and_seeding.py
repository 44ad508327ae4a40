"""The Store's ids, reset(), lookups, and the errors seeding raises."""

from __future__ import annotations

import hashlib

import pytest

from fake_ghe import Clock, SeedError, Store

from .conftest import START, TOTP_SECRET

# ---------------------------------------------------------------- ids and reset()


def _seed_world(store: Store) -> None:
    store.add_user("octocat", "pw")
    store.add_user("hubot", "pw")
    store.add_app("ci", client_id="c" * 20, client_secret="s" * 40)


def test_ids_start_at_one_and_reset_restarts_them_and_the_token_sequence():
    store = Store(seed=11, clock=Clock(frozen_at=START))
    _seed_world(store)
    before = [
        store.add_authorization("octocat", "c" * 20),
        store.add_authorization("hubot", note="script"),
    ]
    assert [a.id for a in before] == [1, 2]
    assert store.grants()[0].id == 1
    assert [u.id for u in store.users()] == [1, 2]

    store.reset()

    emptied = (store.users(), store.oauth_apps(), store.authorizations(), store.grants())
    assert emptied == ([], [], [], [])
    assert list(store.journal.events) == []
    _seed_world(store)
    after = [
        store.add_authorization("octocat", "c" * 20),
        store.add_authorization("hubot", note="script"),
    ]
    assert [a.id for a in after] == [1, 2]
    assert [a.token for a in after] == [a.token for a in before]
    assert store.grants()[0].id == 1
    assert [u.id for u in store.users()] == [1, 2]
    # The old objects are not reachable any more, even by their (re-issued) tokens' hash.
    assert store.authorization_by_token(before[0].token) is after[0]


def test_reset_forgets_lockouts_rate_limits_and_sms_codes():
    store = Store(seed=1, clock=Clock(frozen_at=START), lockout_threshold=2)
    store.add_user("octocat", "pw", two_factor={"type": "sms", "totp_secret": TOTP_SECRET})
    user = store.user("octocat")
    store.note_failed_login(user)
    store.note_failed_login(user)
    store.send_sms_code(user)
    store.exhaust_rate_limit()

    store.reset()
    store.add_user("octocat", "pw")

    fresh = store.user("octocat")
    store.ensure_not_locked(fresh)  # would raise LoginLocked
    assert store.sms_codes == {}
    assert store.consume_rate_limit(fresh) is None


def test_failed_seeding_consumes_no_id():
    store = Store(seed=2)
    store.add_user("octocat", "pw")
    with pytest.raises(SeedError):
        store.add_authorization("octocat", note="n", token="0" * 39)
    with pytest.raises(SeedError):
        store.add_authorization("octocat", note="n", scopes=["not-a-scope"])

    assert store.add_authorization("octocat", note="n").id == 1


# ---------------------------------------------------------------- lookups


def test_lookups_by_id_and_token_find_exactly_the_right_record():
    store = Store(seed=5)
    store.add_user("octocat", "pw")
    client = store.add_app("ci")
    auths = [
        store.add_authorization("octocat", client if n % 3 else None, note=f"n{n}")
        for n in range(600)
    ]

    for auth in auths:
        assert store.authorization(auth.id) is auth
        assert store.authorization_by_token(auth.token) is auth
        assert store.token_owner(auth.token) == (store.user("octocat"), auth)
    sample = auths[123]
    assert store.authorization_by_token(sample.token_last_eight) is None
    assert store.authorization_by_token(sample.token.upper()) is None
    assert store.authorization_by_token(sample.token + " ") is None
    assert store.authorization_by_token(sample.hashed_token) is None
    assert store.authorization(601) is None
    assert store.authorization(0) is None
    assert store.user("OCTOCAT") is store.user("octocat")
    assert store.user("octocat ") is None
    assert store.oauth_app(client.client_id) is client
    assert store.oauth_app(client.client_id.upper()) is None


# ---------------------------------------------------------------- seeding errors


def _store() -> Store:
    store = Store(seed=1)
    store.add_user("octocat", "pw")
    store.add_app("ci", client_id="c" * 20, client_secret="s" * 40)
    store.add_authorization("octocat", note="taken")
    return store


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (lambda s: s.add_user("OctoCat", "pw2"), "login: user 'OctoCat' already exists"),
        (lambda s: s.add_user("", "pw"), "login: must not be empty"),
        (lambda s: s.add_user("  ", "pw"), "login: must not be empty"),
        (
            lambda s: s.add_user("a:b", "pw"),
            "login: may only contain ASCII letters, digits and single hyphens",
        ),
        (lambda s: s.add_user("x" * 40, "pw"), "login: must be at most 39 characters"),
        (lambda s: s.add_user("hubot", ""), "password: must not be empty"),
        (
            lambda s: s.add_user("hubot", "pw\ud800"),
            "password: a lone surrogate \\ud800 is not text",
        ),
        (
            lambda s: s.add_user("hubot", "pw", two_factor={"type": "app", "totp_secret": "x!"}),
            "two_factor.totp_secret: is not a usable TOTP secret",
        ),
        (
            lambda s: s.add_user("hubot", "pw", two_factor={"type": "app", "totp_secret": ""}),
            "two_factor.totp_secret: must be a non-empty base32 string",
        ),
        (
            lambda s: s.add_user("hubot", "pw", two_factor={"type": "app", "totp_secret": "ABC"}),
            "two_factor.totp_secret: is not a usable TOTP secret",
        ),
        (
            lambda s: s.add_user("hubot", "pw", two_factor={"type": "u2f", "totp_secret": "A"}),
            "two_factor.type: must be 'app' or 'sms', not 'u2f'",
        ),
        (lambda s: s.add_user("hubot", "pw", two_factor="u2f"), "two_factor: must be 'app' or"),
        (lambda s: s.add_app(""), "name: must not be empty"),
        (lambda s: s.add_app("x", "javascript:alert(1)"), "url: must be an http:// or https://"),
        (lambda s: s.add_app("x", client_id="short"), "client_id: must be 20 letters or digits"),
        (lambda s: s.add_app("x", client_id=" abc "), "client_id: must not start or end with"),
        (
            lambda s: s.add_app("again", client_id="c" * 20),
            f"client_id: an app with client_id {'c' * 20!r} already exists",
        ),
        (
            lambda s: s.add_app("fake", client_id="0" * 20),
            "client_id: is reserved for personal access tokens",
        ),
        (lambda s: s.add_authorization("nobody", note="x"), "user: no user 'nobody'"),
        (
            lambda s: s.add_authorization("octocat", "d" * 20),
            f"app: no OAuth app with client_id or name {'d' * 20!r}",
        ),
        (
            lambda s: s.add_authorization("octocat", note="taken"),
            "note: 'octocat' already has a personal token with this note",
        ),
        (
            lambda s: s.add_authorization("octocat", note="x", scopes=["repo", "bogus"]),
            "scopes[1]: unknown OAuth scope 'bogus'",
        ),
        (
            lambda s: s.add_authorization("octocat", note="x", token=" padded "),
            "token: must not start or end with spaces",
        ),
        (
            lambda s: s.add_authorization("octocat", note="x", token="not-hex"),
            "token: must be 40 lowercase hex characters",
        ),
        (lambda s: s.otp("octocat"), "login: user 'octocat' has no two-factor authentication"),
    ],
)
def test_seed_errors_say_what_is_wrong(seed, message):
    store = _store()
    state = (len(store.users()), len(store.oauth_apps()), len(store.authorizations()))

    with pytest.raises(SeedError) as raised:
        seed(store)

    assert str(raised.value).startswith(message), str(raised.value)
    assert (len(store.users()), len(store.oauth_apps()), len(store.authorizations())) == state


def test_a_token_value_can_be_seeded_once():
    store = _store()
    token = "0123456789abcdef0123456789abcdef12345678"
    store.add_authorization("octocat", "c" * 20, token=token)

    with pytest.raises(SeedError, match=r"token \.\.\.12345678 is already in use"):
        store.add_authorization("octocat", note="again", token=token)

    seeded = store.authorization_by_token(token)
    assert seeded.hashed_token == hashlib.sha256(token.encode()).hexdigest()


def test_a_surrogate_pair_is_stored_as_its_character_and_a_lone_one_refused():
    store = Store()
    user = store.add_user("octocat", "p\ud83d\ude00")  # as json.loads("\"p\\ud83d\\ude00\"")
    assert user.password == "p😀"
    with pytest.raises(SeedError, match="lone surrogate"):
        store.add_app("tool\udc00")
    assert store.oauth_apps() == []


def test_seed_error_is_a_value_error():
    assert issubclass(SeedError, ValueError)
