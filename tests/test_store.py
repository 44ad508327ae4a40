"""Guarantees of the Store itself: one lock that holds under load, reproducible answers,
no shared state between fakes, reset(), and seeding errors a person can act on.
"""

from __future__ import annotations

import hashlib
import random
import sys
import threading
from collections.abc import Callable

import pytest

from fake_ghe import Clock, Config, SeedError, Store, create_app
from fake_ghe import journal as j
from fake_ghe.errors import NotFound
from fake_ghe.model import OAuthApp, User
from fake_ghe.scopes import unique

from .conftest import START, TOTP_SECRET
from .support import basic

SCOPES = ["repo", "user", "gist", "read:org", "public_repo", "notifications"]


# ---------------------------------------------------------------- one lock, hammered


class Hammer:
    """Eight threads of random verbs on shared users and apps, recording what succeeded."""

    def __init__(self, store: Store, users: list[User], apps: list[OAuthApp]) -> None:
        self.store, self.users, self.apps = store, users, apps
        # list.append is atomic; each list is only read after every thread has joined.
        self.created: list[int] = []
        self.removed: list[int] = []
        self.resets: list[int] = []
        self.failures: list[BaseException] = []

    def run(self, threads: int, ops: int) -> None:
        # Switch threads as often as possible so the verbs really interleave.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            self._run(threads, ops)
        finally:
            sys.setswitchinterval(interval)

    def _run(self, threads: int, ops: int) -> None:
        barrier = threading.Barrier(threads)
        workers = [
            threading.Thread(target=self._work, args=(n, ops, barrier)) for n in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert not any(worker.is_alive() for worker in workers), "a worker hung (deadlock?)"

    def _work(self, n: int, ops: int, barrier: threading.Barrier) -> None:
        rnd = random.Random(n)
        verbs: list[Callable[[random.Random, str], None]] = [
            self._create_personal,
            self._create_app_token,
            self._get_or_create,
            self._update,
            self._delete,
            self._reset,
            self._revoke,
            self._delete_grant,
            self._revoke_grant,
            self._list,
        ]
        barrier.wait()
        for i in range(ops):
            verb = rnd.choice(verbs)
            try:
                verb(rnd, f"{n}-{i}")
            except NotFound:
                pass  # another thread removed or reset the target first: a legitimate race
            except BaseException as error:  # collected for the assertion
                self.failures.append(error)

    def _scopes(self, rnd: random.Random) -> list[str]:
        return rnd.sample(SCOPES, rnd.randint(0, 3))

    def _pick(self, rnd: random.Random, app_only: bool = False):
        live = [a for a in self.store.authorizations() if not (app_only and a.personal)]
        return rnd.choice(live) if live else None

    def _create_personal(self, rnd: random.Random, tag: str) -> None:
        user = rnd.choice(self.users)
        auth = self.store.create_authorization(user, note=f"note {tag}", scopes=self._scopes(rnd))
        self.created.append(auth.id)

    def _create_app_token(self, rnd: random.Random, tag: str) -> None:
        user, app = rnd.choice(self.users), rnd.choice(self.apps)
        auth = self.store.create_authorization(
            user,
            client_id=app.client_id,
            client_secret=app.client_secret,
            fingerprint=f"fp {tag}",
            scopes=self._scopes(rnd),
        )
        self.created.append(auth.id)

    def _get_or_create(self, rnd: random.Random, tag: str) -> None:
        user, app = rnd.choice(self.users), rnd.choice(self.apps)
        auth, is_new = self.store.get_or_create_authorization(
            user,
            app.client_id,
            client_secret=app.client_secret,
            fingerprint=rnd.choice([None, "shared"]),
            scopes=self._scopes(rnd),
        )
        if is_new:
            self.created.append(auth.id)

    def _update(self, rnd: random.Random, tag: str) -> None:
        auth = self._pick(rnd)
        if auth is not None:
            owner = self.store.user_by_id(auth.user_id)
            self.store.update_authorization(owner, auth.id, add_scopes=self._scopes(rnd))

    def _delete(self, rnd: random.Random, tag: str) -> None:
        auth = self._pick(rnd)
        if auth is not None:
            self.store.delete_authorization(self.store.user_by_id(auth.user_id), auth.id)
            self.removed.append(auth.id)

    def _reset(self, rnd: random.Random, tag: str) -> None:
        auth = self._pick(rnd, app_only=True)
        if auth is not None:
            self.store.reset_token(self.store.oauth_app(auth.client_id), auth.token)
            self.resets.append(auth.id)

    def _revoke(self, rnd: random.Random, tag: str) -> None:
        auth = self._pick(rnd, app_only=True)
        if auth is not None:
            self.store.revoke_token(self.store.oauth_app(auth.client_id), auth.token)
            self.removed.append(auth.id)

    def _delete_grant(self, rnd: random.Random, tag: str) -> None:
        grants = self.store.grants()
        if grants:
            grant = rnd.choice(grants)
            owner = self.store.user_by_id(grant.user_id)
            revoked = self.store.delete_grant(owner, grant.id)
            self.removed.extend(auth.id for auth in revoked)

    def _revoke_grant(self, rnd: random.Random, tag: str) -> None:
        auth = self._pick(rnd, app_only=True)
        if auth is not None:
            app = self.store.oauth_app(auth.client_id)
            revoked = self.store.revoke_grant_for_token(app, auth.token)
            self.removed.extend(auth.id for auth in revoked)

    def _list(self, rnd: random.Random, tag: str) -> None:
        user = rnd.choice(self.users)
        found, total = self.store.list_authorizations(user, rnd.randint(1, 3), rnd.randint(1, 30))
        assert all(auth.user_id == user.id for auth in found)
        assert len(found) <= total
        grants, _ = self.store.list_grants(user, 1, 100)
        assert all(grant.user_id == user.id for grant in grants)


def assert_consistent(store: Store) -> None:
    """Every index agrees with every other one."""
    auths = store.authorizations()
    assert len({a.id for a in auths}) == len(auths)
    assert len({a.token for a in auths}) == len(auths)
    for auth in auths:
        assert store.authorization(auth.id) is auth
        assert store.authorization_by_token(auth.token) is auth
        assert auth.hashed_token == hashlib.sha256(auth.token.encode()).hexdigest()

    for user in store.users():
        mine = [a for a in auths if a.user_id == user.id]
        listed, total = store.list_authorizations(user, 1, 10**6)
        assert total == len(listed) == len(mine)
        assert {a.id for a in listed} == {a.id for a in mine}
        # Grouped by application; inside a group by fingerprint (null first), then by id, as
        # the recorded lists show (store/state.py, _list_key).
        groups: list[str] = []
        for auth in listed:
            if not groups or groups[-1] != auth.group:
                assert auth.group not in groups, "an application's tokens are split up"
                groups.append(auth.group)
        for group in groups:
            run = [
                (a.fingerprint is not None, a.fingerprint or "", a.id)
                for a in listed
                if a.group == group
            ]
            assert run == sorted(run)

        apps_with_tokens = {a.client_id for a in mine if not a.personal}
        grants, grant_total = store.list_grants(user, 1, 10**6)
        assert grant_total == len(grants)
        assert {g.client_id for g in grants} == apps_with_tokens
        for grant in grants:
            assert store.grant(grant.id) is grant
            tokens = sorted((a for a in mine if a.client_id == grant.client_id), key=lambda a: a.id)
            assert store.grant_scopes(grant) == unique(s for a in tokens for s in a.scopes)
            for auth in tokens:
                assert store.grant_for(auth) is grant

    all_grants = store.grants()
    assert len({g.id for g in all_grants}) == len(all_grants)
    assert len({(g.user_id, g.client_id) for g in all_grants}) == len(all_grants)


def test_hammer_with_mixed_verbs_keeps_the_store_consistent():
    store = Store(seed=42, clock=Clock(frozen_at=START))
    users = [store.add_user(f"user{n}", "pw") for n in range(3)]
    apps = [store.add_app(f"app {n}") for n in range(3)]
    hammer = Hammer(store, users, apps)

    hammer.run(threads=8, ops=200)

    assert hammer.failures == []
    # No lost or duplicated ids: every id handed out belongs to exactly one successful create.
    assert sorted(hammer.created) == list(range(1, len(hammer.created) + 1))
    assert len(set(hammer.removed)) == len(hammer.removed), "a token was removed twice"
    assert set(hammer.removed) <= set(hammer.created)
    alive = {a.id for a in store.authorizations()}
    assert alive == set(hammer.created) - set(hammer.removed)
    assert len(hammer.created) > 100 and len(hammer.removed) > 50 and hammer.resets
    assert_consistent(store)
    kinds = [event.kind for event in store.journal.events]
    assert kinds.count(j.CREATED) == len(hammer.created)
    assert kinds.count(j.REVOKED) == len(hammer.removed)
    assert kinds.count(j.RESET) == len(hammer.resets)
    assert [event.seq for event in store.journal.events] == list(range(1, len(kinds) + 1))


def test_hammer_over_http_keeps_ids_unique():
    store = Store(seed=3, clock=Clock(frozen_at=START))
    store.add_user("octocat", "pw")
    flask_app = create_app(store, Config(hostname="ghe.example.com"))
    created: list[int] = []
    failures: list[object] = []

    def work(n: int) -> None:
        client = flask_app.test_client()
        for i in range(25):
            answer = client.post(
                "/api/v3/authorizations", headers=basic("octocat", "pw"), json={"note": f"{n}-{i}"}
            )
            if answer.status_code != 201:
                failures.append(answer.get_data())
            else:
                created.append(answer.get_json()["id"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(created) == list(range(1, 101))
    assert_consistent(store)


# ---------------------------------------------------------------- determinism


def recorded_session(seed: int) -> list[bytes]:
    """The raw bytes of a scripted session against a fresh fake (status, headers, body)."""
    clock = Clock(frozen_at=START)
    store = Store(seed=seed, clock=clock)
    store.add_user("octocat", "pw")
    ci = store.add_app("ci")  # client_id and secret drawn from the seeded sequence too
    client = create_app(store, Config(hostname="ghe.example.com")).test_client()
    user = basic("octocat", "pw")
    signed = basic(ci.client_id, ci.client_secret)
    raw: list[bytes] = []

    def send(method: str, path: str, headers: dict[str, str], body: object = None):
        answer = client.open(f"/api/v3{path}", method=method, headers=headers, json=body)
        head = [f"{answer.status}"] + [f"{k}: {v}" for k, v in answer.headers.items()]
        raw.append("\r\n".join(head).encode() + b"\r\n\r\n" + answer.get_data())
        return answer

    send("POST", "/authorizations", user, {"note": "script", "scopes": ["repo"]})
    app_token = send(
        "POST",
        "/authorizations",
        user,
        {"client_id": ci.client_id, "client_secret": ci.client_secret, "scopes": ["user"]},
    ).get_json()["token"]
    listed = send("GET", "/authorizations", user)
    send("GET", "/authorizations", {**user, "If-None-Match": listed.headers["ETag"]})
    clock.advance(30)
    send("PATCH", "/authorizations/1", user, {"add_scopes": ["gist"]})
    send("GET", "/authorizations/1", user)
    send("GET", f"/applications/{ci.client_id}/tokens/{app_token}", signed)
    new_token = send("POST", f"/applications/{ci.client_id}/tokens/{app_token}", signed)
    send("GET", "/user", {"Authorization": f"token {new_token.get_json()['token']}"})
    send("GET", "/applications/grants", user)
    send("DELETE", "/applications/grants/1", user)
    send("GET", "/authorizations/2", user)
    send("GET", "/user", {})
    send("GET", "/meta", {})
    return raw


def test_same_seed_same_calls_give_byte_identical_responses():
    first, second = recorded_session(7), recorded_session(7)

    assert len(first) == 14
    assert first == second
    assert all(b"X-GitHub-Request-Id: " in answer for answer in first)
    assert sum(b"ETag: " in answer for answer in first) >= 6


def test_another_seed_gives_other_tokens():
    # The control for the test above: the bytes do depend on the seed.
    first, other = recorded_session(7), recorded_session(8)

    assert first[0] != other[0]
    assert first[-1] == other[-1]  # /meta holds nothing random


def test_unseeded_stores_draw_unrelated_tokens():
    one, two = Store(), Store()
    for store in (one, two):
        store.add_user("octocat", "pw")

    tokens = [s.add_authorization("octocat", note="n").token for s in (one, two)]

    assert tokens[0] != tokens[1]


# ---------------------------------------------------------------- no shared state


def test_two_fakes_in_one_process_share_nothing():
    stores = [Store(clock=Clock(frozen_at=START)), Store(clock=Clock(frozen_at=START))]
    apps = [create_app(store, Config(hostname="ghe.example.com")) for store in stores]
    for store in stores:
        store.add_user("octocat", "pw")
    clients = [app.test_client() for app in apps]
    user = basic("octocat", "pw")

    made = clients[0].post("/api/v3/authorizations", headers=user, json={"note": "a"})
    for _ in range(3):
        clients[0].get("/api/v3/meta")
    apps[0].extensions["fake_ghe"].faults.add("GET", "/user", status=503, times=None)
    stores[0].clock.advance(3600)

    assert made.status_code == 201
    token = made.get_json()["token"]
    assert clients[1].get("/api/v3/authorizations", headers=user).get_json() == []
    stolen = {"Authorization": f"token {token}"}
    assert clients[1].get("/api/v3/user", headers=stolen).status_code == 401
    assert clients[1].get("/api/v3/user", headers=user).status_code == 200
    assert clients[0].get("/api/v3/user", headers=user).status_code == 503
    # Each fake numbers its own requests (fake 0 has answered five), ids and time.
    assert clients[1].get("/api/v3/meta").headers["X-GitHub-Request-Id"].startswith("0004:")
    other = clients[1].post("/api/v3/authorizations", headers=user, json={"note": "b"})
    assert other.get_json()["id"] == 1
    assert other.get_json()["created_at"] == "2019-09-01T12:00:00Z"
    assert [e.authorization_id for e in stores[1].journal.events] == [1]
    assert len(stores[0].journal.events) == 1
    assert stores[0].user("octocat") is not stores[1].user("octocat")


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
