"""Issue 10 in a real headless Chromium: another page cannot frame the state pages, and an app
url that is not http(s) is shown as text, never a link that runs script."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import requests

from fake_ghe import FakeGHE
from fake_ghe.scenario import parse_scenario_text
from fake_ghe.server import LiveServer

from .optional import require

require("browser", "selenium")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from .test_browser import browser  # noqa: E402, F401  (the module's Chromium fixture)

CLIENT_ID = "abcde12345fghij67890"
SCENARIO = f"""\
users:
  - {{login: octocat, password: pw}}
oauth_apps:
  - {{name: evil, url: "https://evil.example/", client_id: {CLIENT_ID}}}
  - {{name: fine, url: "https://ci.example.com/"}}
authorizations:
  - {{user: octocat, app: evil, scopes: [repo]}}
  - {{user: octocat, app: fine}}
"""
# What a stored-XSS link did before: arm a permanent 503 through the admin API.
ARM = (
    "javascript:fetch('/_fake_ghe/faults',{method:'POST',"
    "body:JSON.stringify({status:503,times:null})})"
)


@pytest.fixture
def fake() -> Iterator[FakeGHE]:
    with FakeGHE(scenario=parse_scenario_text(SCENARIO, "s.yaml")).serve() as served:
        # Seeding refuses such a url now; a store changed by hand may still hold one (records
        # are frozen: the store's own unvalidated primitive puts it there).
        for app in served.oauth_apps():
            if app.name == "evil":
                served.store._replace_app(app, url=ARM)
        yield served


def page_server(html: str) -> LiveServer:
    """Another site on another loopback port, serving one page."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    return LiveServer(wsgi).start()


@pytest.mark.parametrize("path", ["/_fake_ghe/", "/_fake_ghe/users/octocat"])
def test_another_page_cannot_frame_the_state_pages(
    browser: webdriver.Chrome,  # noqa: F811
    fake: FakeGHE,
    path: str,
) -> None:
    target = fake.root_url + path
    html = f'<!doctype html><title>attacker</title><iframe id="f" src="{target}"></iframe>'
    attacker = page_server(html)
    try:
        browser.get(attacker.root_url + "/")
        frame = browser.find_element(By.ID, "f")
        browser.switch_to.frame(frame)
        try:
            # Chromium replaces a refused frame with its own error page: none of ours in it.
            assert browser.find_elements(By.CSS_SELECTOR, "form, table, .site-header") == []
            assert "fake-ghe" not in browser.page_source
        finally:
            browser.switch_to.default_content()
    finally:
        attacker.stop()
    # The page itself still loads fine when visited directly.
    browser.get(target)
    assert browser.find_elements(By.CSS_SELECTOR, ".site-header")


def test_a_javascript_url_is_text_and_running_nothing(
    browser: webdriver.Chrome,  # noqa: F811
    fake: FakeGHE,
) -> None:
    for path in ("/_fake_ghe/", "/_fake_ghe/users/octocat"):
        browser.get(fake.root_url + path)
        hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.TAG_NAME, "a")]
        assert not [href for href in hrefs if href.startswith(("javascript:", "data:"))]
        if path == "/_fake_ghe/":
            assert "https://ci.example.com/" in hrefs  # http(s) urls are still links
            cell = browser.find_element(By.XPATH, "//td[contains(., 'javascript:fetch')]")
            cell.click()  # text: a click does nothing
        else:
            browser.find_element(By.XPATH, "//*[normalize-space(text())='evil']").click()
    assert fake.faults.armed() == []
    assert requests.get(fake.base_url + "/meta", timeout=5).status_code == 200


def test_inline_script_does_not_run_on_the_pages(
    browser: webdriver.Chrome,  # noqa: F811
    fake: FakeGHE,
) -> None:
    # Even markup that slipped through would not run: the CSP allows no script at all.
    browser.get(fake.root_url + "/_fake_ghe/")
    ran = browser.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__ran = true';"
        "document.body.appendChild(s);"
        "return window.__ran === true;"
    )
    assert ran is False
