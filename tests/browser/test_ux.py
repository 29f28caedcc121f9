"""Small interaction promises: Enter commits the dial's number box; an expired session logs in."""

from __future__ import annotations

import re

from selenium.webdriver.common.keys import Keys

from tests.browser.accounts import PASSWORD, new_email
from tests.browser.test_journeys import WAIT, register, wait_for


def saved_dial(duo) -> str:
    return duo.driver.execute_script(
        "return document.getElementById('adventurousness-saved').textContent"
    )


def test_enter_commits_the_dial_number_box(mixmap):
    duo = mixmap
    register(duo, new_email())
    duo.wait_for_element("#pref-genres", timeout=WAIT)
    duo.driver.get(f"{duo.url}/")
    box = duo.wait_for_element("#adventurousness-input", timeout=WAIT)
    duo.wait_for_element(".track-card", timeout=WAIT)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.8", Keys.ENTER)
    # Enter alone (the box keeps the focus) saves the value and moves the slider.
    wait_for(duo, lambda: saved_dial(duo) == "0.8", message="Enter did not commit the dial")
    handle = duo.find_element("#adventurousness .rc-slider-handle, #adventurousness [role=slider]")
    assert handle.get_attribute("aria-valuenow") == "0.8"
    assert duo.driver.switch_to.active_element.get_attribute("id") == "adventurousness-input"


def test_an_expired_session_sends_a_click_to_the_login_page(mixmap):
    duo = mixmap
    email = new_email()
    register(duo, email)
    duo.wait_for_element("#pref-genres", timeout=WAIT)
    duo.driver.get(f"{duo.url}/")
    like = duo.wait_for_element(".track-card .feedback-like", timeout=WAIT)
    # The session ends while the page is open (as after expiry or a logout in another tab).
    duo.driver.delete_all_cookies()
    like.click()
    wait_for(
        duo,
        lambda: "/login" in duo.driver.current_url,
        message="the click was swallowed instead of leading to the login page",
    )
    assert "expired=1" in duo.driver.current_url
    assert "next=%2F" in duo.driver.current_url or "next=/" in duo.driver.current_url
    notice = duo.wait_for_element("#session-expired", timeout=WAIT)
    assert notice.text == "Your session ended; log in again."
    # Logging in again brings the user back to Home.
    duo.find_element("#email").send_keys(email)
    duo.find_element("#password").send_keys(PASSWORD)
    duo.find_element("#login-submit").click()
    duo.wait_for_element(".track-card", timeout=WAIT)


def test_plotly_js_loads_from_its_fingerprinted_cacheable_url(mixmap):
    duo = mixmap
    register(duo, new_email())
    duo.wait_for_element("#pref-genres", timeout=WAIT)
    duo.driver.get(f"{duo.url}/explore")  # the map
    wait_for(duo, lambda: duo.driver.execute_script("return !!window.Plotly"), message="no plotly")
    loaded = duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('/plotly/package_data/'))"
    )
    assert len(loaded) == 1, loaded
    assert re.search(r"/plotly\.v[\w-]+m\d+\.min\.js$", loaded[0]), loaded
