"""A real OAuth client library (requests-oauthlib) signs a user in through the fake: in a
headless Chromium against ``fake_ghe_server``, and in-process with ``fake_ghe.authorize``."""

from __future__ import annotations

import pytest

from .optional import require

require("clients", "requests_oauthlib")
require("browser", "selenium")

from requests_oauthlib import OAuth2Session
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import TOTP_SECRET
from .test_browser import browser  # noqa: F401  (the headless Chromium fixture)

CLIENT_ID = "abcde12345fghij67890"
SECRET = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def oauthlib_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # The live fake is plain http on loopback; oauthlib refuses http unless told.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def seed(fake, callback: str) -> None:
    fake.add_user("hubot", "hubot-pass", two_factor={"type": "app", "totp_secret": TOTP_SECRET})
    fake.add_app("my app", client_id=CLIENT_ID, client_secret=SECRET, callback_url=callback)


def test_sign_in_with_ghe_in_a_real_browser(browser, fake_ghe_server, tmp_path):  # noqa: F811
    root = fake_ghe_server.root_url
    callback = root + "/my-app/callback"
    seed(fake_ghe_server, callback)
    client = OAuth2Session(CLIENT_ID, redirect_uri=callback, scope=["read:user"])
    url, state = client.authorization_url(root + "/login/oauth/authorize")
    wait = WebDriverWait(browser, 10)

    browser.delete_all_cookies()
    browser.get(url)
    wait.until(ready.presence_of_element_located((By.ID, "login_field")))
    browser.find_element(By.ID, "login_field").send_keys("hubot")
    browser.find_element(By.ID, "password").send_keys("hubot-pass")
    browser.find_element(By.NAME, "commit").click()

    otp = wait.until(ready.presence_of_element_located((By.ID, "otp")))
    otp.send_keys(fake_ghe_server.otp("hubot"))
    otp.submit()

    button = wait.until(ready.element_to_be_clickable((By.ID, "js-oauth-authorize-btn")))
    assert "my app" in browser.find_element(By.ID, "app-name").text
    assert "read:user" in browser.find_element(By.ID, "scopes").text
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(name.startswith(root + "/") for name in fetched), fetched
    browser.save_screenshot(str(tmp_path / "consent.png"))
    button.click()

    wait.until(lambda driver: driver.current_url.startswith(callback))
    back = browser.current_url
    assert f"state={state}" in back
    token = client.fetch_token(
        root + "/login/oauth/access_token",
        client_secret=SECRET,
        authorization_response=back,
        include_client_id=True,
    )
    assert token["token_type"] == "bearer" and token["scope"] == ["read:user"]
    me = client.get(fake_ghe_server.base_url + "/user", timeout=5)
    assert me.json()["login"] == "hubot"
    fake_ghe_server.assert_not_revoked(token["access_token"])
    (event,) = [e for e in fake_ghe_server.events if e.cause == "web_flow"]
    assert (event.kind, event.actor, event.client_id) == ("created", "hubot", CLIENT_ID)

    # Signed in now: the next authorization of the same scopes goes straight back.
    again, _ = client.authorization_url(root + "/login/oauth/authorize")
    browser.get(again)
    wait.until(lambda driver: driver.current_url.startswith(callback))
    assert "code=" in browser.current_url


def test_sign_in_with_ghe_in_process_with_the_shortcut(fake_ghe):
    callback = "https://my-app.example.com/callback"
    seed(fake_ghe, callback)
    client = OAuth2Session(CLIENT_ID, redirect_uri=callback, scope=["user:email"])
    _, state = client.authorization_url(fake_ghe.root_url + "/login/oauth/authorize")

    code = fake_ghe.authorize("hubot", "my app", scopes=["user:email"], redirect_uri=callback)

    token = client.fetch_token(
        fake_ghe.root_url + "/login/oauth/access_token",
        client_secret=SECRET,
        authorization_response=f"{callback}?code={code}&state={state}",
        include_client_id=True,
    )
    assert client.get(fake_ghe.base_url + "/user").json()["login"] == "hubot"
    assert client.get(fake_ghe.base_url + "/user/emails").json() == []
    assert fake_ghe.authorization(token["access_token"]).scopes == ("user:email",)
