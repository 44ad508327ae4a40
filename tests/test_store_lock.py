"""The Store's one lock holds under load: threads hammering it with mixed verbs, directly and over
HTTP, leave it consistent.
"""

from __future__ import annotations

import hashlib
import random
import sys
import threading
from collections.abc import Callable

from fake_ghe import Clock, Config, Store, create_app
from fake_ghe import journal as j
from fake_ghe.errors import NotFound
from fake_ghe.model import OAuthApp, User
from fake_ghe.scopes import unique

from .conftest import START
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
