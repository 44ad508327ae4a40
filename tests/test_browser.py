"""The state page in a real headless Chromium: see the data, click revoke, check through the API.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). A
machine without them fails here, loudly, rather than skipping: a skipped browser test would
let a broken page through.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .optional import require

require("browser", "selenium")

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from fake_ghe.server import LiveServer
from fake_ghe.store import Store

from .admin_support import CLIENT_ID, OCTOCAT, OCTOCAT_APP_TOKEN, OCTOCAT_PAT, make_fake

OTHER_CLIENT_ID = "0f0f0f0f0f0f0f0f0f0f"
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)


def executable(env: str, name: str) -> str:
    found = os.environ.get(env) or shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).is_file():
        pytest.fail(
            f"{name} not found (looked at ${env}, PATH and /usr/bin): the browser test needs "
            "the Debian packages chromium and chromium-driver (apt-get install chromium "
            "chromium-driver)",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = executable("CHROMIUM", "chromium")
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # An explicit driver path: Selenium Manager would otherwise try to download one.
    service = Service(executable_path=executable("CHROMEDRIVER", "chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served() -> Iterator[tuple[str, Store]]:
    app, store = make_fake()
    store.add_app("other app", "http://other.example.com", client_id=OTHER_CLIENT_ID)
    store.add_authorization("octocat", OTHER_CLIENT_ID, scopes=["gist"], note="other")
    with LiveServer(app) as server:
        yield server.root_url, store


def test_revoke_an_app_from_the_page_then_its_tokens_are_gone(browser, served, tmp_path):
    root, store = served
    other_token = store.authorizations()[-1].token
    wait = WebDriverWait(browser, 10)

    browser.get(root + "/_fake_ghe/")
    assert browser.title == "fake-ghe state"
    users = browser.find_element(By.ID, "users").text
    assert "octocat" in users and "The Octocat" in users and "hubot" in users
    tokens = browser.find_element(By.ID, "authorizations").text
    assert "…" + OCTOCAT_APP_TOKEN[-8:] in tokens and "laptop" in tokens
    assert OCTOCAT_APP_TOKEN not in browser.page_source
    # Styled by its own stylesheet, and nothing fetched from anywhere else.
    header = browser.find_element(By.CSS_SELECTOR, ".site-header")
    assert header.value_of_css_property("background-color") == "rgba(36, 41, 46, 1)"
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert fetched and all(url.startswith(root + "/") for url in fetched), fetched
    browser.save_screenshot(str(tmp_path / "overview.png"))

    browser.find_element(By.CSS_SELECTOR, 'tr[data-login="octocat"] a').click()
    wait.until(ready.title_contains("Authorized OAuth Apps"))
    apps = browser.find_elements(By.CSS_SELECTOR, "#authorized-apps .app-row")
    assert [row.get_attribute("data-client-id") for row in apps] == [CLIENT_ID, OTHER_CLIENT_ID]
    assert "my github app" in apps[0].text and "repo" in apps[0].text
    browser.save_screenshot(str(tmp_path / "user-before.png"))

    browser.find_element(By.CSS_SELECTOR, 'button[aria-label="Revoke my github app"]').click()
    flash = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, ".flash")))
    assert flash.text == "Revoked access to my github app."
    remaining = browser.find_elements(By.CSS_SELECTOR, "#authorized-apps .app-row")
    assert [row.get_attribute("data-client-id") for row in remaining] == [OTHER_CLIENT_ID]
    browser.save_screenshot(str(tmp_path / "user-after.png"))

    # Through the GHE API, as a client would see it.
    api = root + "/api/v3"
    grants = requests.get(api + "/applications/grants", auth=OCTOCAT, timeout=5)
    assert [grant["app"]["client_id"] for grant in grants.json()] == [OTHER_CLIENT_ID]
    listed = requests.get(api + "/authorizations", auth=OCTOCAT, timeout=5)
    assert CLIENT_ID not in [auth["app"]["client_id"] for auth in listed.json()]
    assert len(listed.json()) == 2
    for token, status in ((OCTOCAT_APP_TOKEN, 401), (OCTOCAT_PAT, 200), (other_token, 200)):
        me = requests.get(api + "/user", headers={"Authorization": f"token {token}"}, timeout=5)
        assert me.status_code == status, token[-8:]
    events = requests.get(root + "/_fake_ghe/events?since=3", timeout=5).json()
    assert [(e["kind"], e["cause"], e["actor"], e["client_id"]) for e in events] == [
        ("revoked", "grant_delete", "octocat", CLIENT_ID)
    ]

    browser.find_element(By.LINK_TEXT, "All state").click()
    newest = wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#events tbody tr")))
    assert "revoked" in newest.text and "grant_delete" in newest.text
