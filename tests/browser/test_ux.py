"""Small interaction promises: Enter commits the dial's number box; an expired session logs in."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import new_email
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
