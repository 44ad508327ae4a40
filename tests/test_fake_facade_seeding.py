"""FakeGHE without pytest fixtures: seeding, lookups and journals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from fake_ghe import FakeGHE, TwoFactor
from fake_ghe.journal import CREATED, REVOKED, USER_DELETE
from fake_ghe.scenario import DEMO_SCENARIO, ScenarioError
from fake_ghe.store import SeedError

from .fake_facade_support import SECRET, START, get

# ------------------------------------------------------------------ seeding


def test_seeding_returns_typed_objects_with_ids_and_tokens(fake: FakeGHE) -> None:
    user = fake.add_user("octocat", "pw", name="The Octocat", email="o@example.com")
    app = fake.add_app("ci", "https://ci.example.com")
    auth = fake.add_authorization(user, app, scopes=["repo"], note="n", fingerprint="fp")
    assert (user.id, user.login, user.name) == (1, "octocat", "The Octocat")
    assert len(app.client_id) == 20 and len(app.client_secret) == 40
    assert auth.id == 1 and len(auth.token) == 40 and auth.client_id == app.client_id
    assert (auth.scopes, auth.note, auth.fingerprint) == (("repo",), "n", "fp")
    # What was seeded is what the API shows.
    check = requests.get(
        fake.url(f"/applications/{app.client_id}/tokens/{auth.token}"),
        auth=(app.client_id, app.client_secret),
    )
    assert check.json()["user"]["login"] == "octocat"


def test_personal_tokens_get_a_free_note_unless_given(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    fake.add_user("hubot", "pw")
    notes = [fake.add_authorization("octocat").note for _ in range(2)]
    fake.add_authorization("octocat", note="token 3")
    notes.append(fake.add_authorization("octocat").note)
    assert notes == ["token 1", "token 2", "token 4"]
    assert fake.add_authorization("hubot").note == "token 1"


def test_an_app_may_be_named_by_its_name_when_seeding_and_looking(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    ci = fake.add_app("ci")
    auth = fake.add_authorization("octocat", "ci")
    assert auth.client_id == ci.client_id
    assert fake.authorizations(app="ci") == [auth]
    assert fake.authorizations(app="no such app") == []
    # Two apps of one name: the name says neither, so it is refused, saying why.
    fake.add_app("twin")
    fake.add_app("twin")
    with pytest.raises(SeedError, match="2 apps are named 'twin'; give the client_id"):
        fake.add_authorization("octocat", "twin")


def test_seeding_mistakes_raise_seed_error(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    with pytest.raises(SeedError, match="already exists"):
        fake.add_user("OCTOCAT", "pw")
    with pytest.raises(SeedError, match="no user 'nobody'"):
        fake.add_authorization("nobody")
    with pytest.raises(SeedError, match="no OAuth app"):
        fake.add_authorization("octocat", "0" * 19 + "1")


@pytest.mark.parametrize("kind", ["app", "sms", True])
def test_two_factor_by_kind_makes_a_secret_and_otp_gives_a_working_code(
    fake: FakeGHE, kind: str | bool
) -> None:
    user = fake.add_user("hubot", "pw", two_factor=kind)
    assert user.two_factor is not None
    assert user.two_factor.type == ("app" if kind is True else kind)
    assert get(fake, "/authorizations", ("hubot", "pw")).status_code == 401
    answer = get(
        fake, "/authorizations", ("hubot", "pw"), headers={"X-GitHub-OTP": fake.otp("hubot")}
    )
    assert answer.status_code == 200


def test_two_factor_from_a_mapping_or_object(fake: FakeGHE) -> None:
    a = fake.add_user("a", "pw", two_factor={"type": "sms", "totp_secret": SECRET})
    b = fake.add_user("b", "pw", two_factor=TwoFactor("app", SECRET))
    assert a.two_factor == TwoFactor("sms", SECRET)
    assert b.two_factor == TwoFactor("app", SECRET)
    assert fake.add_user("c", "pw", two_factor=False).two_factor is None
    with pytest.raises(SeedError, match="'app' or 'sms'"):
        fake.add_user("d", "pw", two_factor="email")


def test_otp_follows_the_fake_clock(fake: FakeGHE) -> None:
    fake.add_user("hubot", "pw", two_factor={"type": "app", "totp_secret": SECRET})
    code = fake.otp("hubot")
    fake.clock.advance(minutes=5)
    assert fake.otp("hubot") != code
    stale = get(fake, "/authorizations", ("hubot", "pw"), headers={"X-GitHub-OTP": code})
    assert stale.status_code == 401
    fake.add_user("plain", "pw")
    with pytest.raises(SeedError, match="no two-factor"):
        fake.otp("plain")


def test_sms_codes_texted_on_create_are_readable(fake: FakeGHE) -> None:
    fake.add_user("mona", "pw", two_factor="sms")
    with pytest.raises(LookupError, match="no code was texted to 'mona'"):
        fake.last_sms_code("mona")
    first = requests.post(fake.url("/authorizations"), auth=("mona", "pw"), json={"note": "x"})
    assert first.status_code == 401
    assert first.headers["X-GitHub-OTP"] == "required; sms"
    assert fake.sms_codes("mona") == [fake.last_sms_code("mona")]
    second = requests.post(
        fake.url("/authorizations"),
        auth=("mona", "pw"),
        json={"note": "x"},
        headers={"X-GitHub-OTP": fake.last_sms_code("mona")},
    )
    assert second.status_code == 201


def test_load_scenario_from_a_path_or_a_mapping(fake: FakeGHE) -> None:
    loaded = fake.load_scenario(DEMO_SCENARIO)
    assert [user.login for user in loaded.users] == ["octocat", "hubot", "monalisa"]
    fake.load_scenario({"users": [{"login": "extra", "password": "pw"}]})
    assert fake.user("extra") is not None
    with pytest.raises(ScenarioError, match="already exists"):
        fake.load_scenario({"users": [{"login": "extra", "password": "pw"}]})
    fake.load_scenario({"users": [{"login": "only", "password": "pw"}]}, replace=True)
    assert [user.login for user in fake.users()] == ["only"]


def test_scenario_and_seed_given_to_the_constructor() -> None:
    one, two = FakeGHE(scenario=DEMO_SCENARIO, seed=7), FakeGHE(scenario=DEMO_SCENARIO, seed=7)
    assert [a.token for a in one.authorizations()] == [a.token for a in two.authorizations()]
    assert one.oauth_app("abcde12345fghij67890").name == "my github app"  # type: ignore[union-attr]


# ------------------------------------------------------------------ lookups and journals


def test_lookups_see_only_live_tokens(fake: FakeGHE) -> None:
    octocat = fake.add_user("octocat", "pw")
    fake.add_user("hubot", "pw")
    app = fake.add_app("ci")
    personal = fake.add_authorization(octocat)
    app_token = fake.add_authorization(octocat, app)
    hubots = fake.add_authorization("hubot", app.client_id)
    assert fake.authorization(personal.id) is personal
    assert fake.authorization(personal.token) is personal
    assert fake.authorizations(user="OCTOCAT") == [personal, app_token]
    assert fake.authorizations(app=app) == [app_token, hubots]
    assert fake.authorizations(user=octocat, app=app.client_id) == [app_token]
    assert fake.oauth_apps() == [app]
    requests.delete(fake.url(f"/authorizations/{personal.id}"), auth=("octocat", "pw"))
    assert fake.authorization(personal.id) is None
    assert fake.authorization(personal.token) is None
    assert fake.authorizations(user="octocat") == [app_token]


def test_journals_record_events_and_redacted_calls(fake: FakeGHE) -> None:
    fake.add_user("octocat", "pw")
    auth = fake.add_authorization("octocat", note="laptop")
    fake.clock.advance(seconds=30)
    requests.delete(fake.url(f"/authorizations/{auth.id}"), auth=("octocat", "pw"))
    assert [(e.kind, e.actor, e.cause) for e in fake.events] == [
        (CREATED, "seed", None),
        (REVOKED, "octocat", USER_DELETE),
    ]
    assert fake.events[1].at == START + timedelta(seconds=30)
    assert fake.history(auth.token) == fake.events == fake.journal.events
    [call] = fake.calls
    assert (call.method, call.path, call.status, call.principal) == (
        "DELETE",
        f"/api/v3/authorizations/{auth.id}",
        204,
        "octocat",
    )
    app = fake.add_app("ci")
    token = fake.add_authorization("octocat", app).token
    requests.get(
        fake.url(f"/applications/{app.client_id}/tokens/{token}"),
        auth=(app.client_id, app.client_secret),
    )
    assert token not in fake.calls[-1].path
    assert fake.calls[-1].path.endswith("***" + token[-8:])
