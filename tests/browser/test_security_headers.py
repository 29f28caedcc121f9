"""Every page works under the Content-Security-Policy and the CSRF checks, in Chromium.

The CSP allows only Dash's own inline scripts (by hash); a page whose scripts it blocked would log
a "security" error in the console. Dash callbacks post the token from the _csrf_token cookie
(CSRF is on in the browser tests' app), so a page that renders its callbacks' output proves that.
"""

from __future__ import annotations

import requests

from tests.browser.accounts import PASSWORD, new_email

WAIT = 20
PAGES = {
    "/": "#home .track-card",
    "/explore": "#explore-page .js-plotly-plot",
    "/playlists": "#playlists-page",
    "/insights": "#insights",
    "/profile": "#profile",
}


def sign_up_and_log_in(duo, email: str) -> None:
    duo.driver.get(f"{duo.url}/register")
    for selector, text in (("#email", email), ("#password", PASSWORD), ("#confirm", PASSWORD)):
        duo.find_element(selector).send_keys(text)
    duo.find_element("#register-submit").click()
    duo.wait_for_element("#login-submit", timeout=WAIT)
    duo.find_element("#email").send_keys(email)
    duo.find_element("#password").send_keys(PASSWORD)
    duo.find_element("#login-submit").click()
    duo.wait_for_element("#welcome", timeout=WAIT)


def test_every_page_renders_under_the_csp_without_console_errors(mixmap):
    duo = mixmap
    headers = requests.get(f"{duo.url}/login", timeout=10).headers
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    sign_up_and_log_in(duo, new_email())
    for path, selector in PAGES.items():
        duo.driver.get(f"{duo.url}{path}")
        duo.wait_for_element(selector, timeout=WAIT)
    blocked = [entry for entry in duo.get_logs() if entry.get("source") == "security"]
    assert blocked == []
