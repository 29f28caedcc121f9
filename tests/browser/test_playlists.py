"""Playlist builder journey in headless Chromium: generate a mood playlist, reorder it by drag,
lock a track, sort around the lock, reload and find the same order."""

from __future__ import annotations

import time

from selenium.webdriver.common.action_chains import ActionChains

from dashapp.services import accounts, playlists
from tests.browser.accounts import PASSWORD, new_email

MOODS_DROPDOWN = """[id='{"panel":"playlist","type":"filter-moods"}']"""


def log_in(duo) -> int:
    """A fresh listener (registered through the service), logged in through the form."""
    email = new_email()
    user_id = accounts.register(email, PASSWORD, "Pat").id
    duo.driver.get(f"{duo.url}/login?next=/playlists")
    duo.find_element("#email").send_keys(email)
    duo.find_element("#password").send_keys(PASSWORD)
    duo.find_element("#login-submit").click()
    duo.wait_for_element("#gen-go", timeout=15)
    return user_id


def grid_titles(dash_duo) -> list[str]:
    cells = dash_duo.find_elements("#playlist-grid .ag-center-cols-container [col-id=name]")
    rows = [(int(c.find_element("xpath", "..").get_attribute("row-index")), c.text) for c in cells]
    return [text for _, text in sorted(rows)]


def click(dash_duo, selector: str) -> None:
    """Scroll the element into view and click it (an open dropdown may overlap it otherwise)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    dash_duo.driver.execute_script("arguments[0].click();", element)


def wait_until(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_generate_reorder_lock_sort_and_reload(mixmap):
    dash_duo = mixmap
    user = log_in(dash_duo)

    def stored():
        return playlists.get_playlist(user, detail.id).items

    # Generate an 8-track "calm" mood playlist with the trained model.
    dash_duo.select_dcc_dropdown(MOODS_DROPDOWN, value="Calm / peaceful")
    length = dash_duo.find_element("#gen-length")
    length.clear()
    length.send_keys("8")
    click(dash_duo, "#gen-go")
    wait_until(lambda: "playlist=" in dash_duo.driver.current_url)
    titles = wait_until(lambda: len(grid_titles(dash_duo)) == 8 and grid_titles(dash_duo))
    detail = playlists.get_playlist(user, int(dash_duo.driver.current_url.split("=")[-1]))
    assert detail.generator["filter"]["moods"] == ["calm"]

    # Drag the first row below the third: the new order is stored.
    handles = dash_duo.find_elements("#playlist-grid .ag-row-drag")
    rows = dash_duo.find_elements("#playlist-grid .ag-center-cols-container .ag-row")
    height = rows[0].size["height"]
    chain = ActionChains(dash_duo.driver).click_and_hold(handles[0])
    for _ in range(5):
        chain.move_by_offset(0, height * 2.5 / 5)
    chain.release().perform()
    expected = [titles[1], titles[2], titles[0], *titles[3:]]
    wait_until(lambda: stored()["name"].tolist() == expected)

    # Lock the track now at position 2, then sort: it stays where it is.
    lock_cell = dash_duo.find_elements(
        "#playlist-grid .ag-center-cols-container .ag-row[row-index='1'] [col-id=locked] input"
    )[0]
    lock_cell.click()
    wait_until(lambda: stored()["locked"].tolist()[1])
    click(dash_duo, "#pl-sort")  # by energy, rising (the toolbar's default)

    def sorted_around_the_lock():
        energy = stored().drop(index=1)["energy"].tolist()
        return energy == sorted(energy)

    wait_until(sorted_around_the_lock)
    final = stored()["name"].tolist()
    assert final[1] == expected[1]

    # Reload: the grid shows the stored order.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#playlist-grid .ag-row", timeout=10)
    wait_until(lambda: grid_titles(dash_duo) == final)
    # The browser console has no errors from the page (network errors for external CDNs aside).
    assert [e for e in dash_duo.get_logs() if e.get("source") != "network"] == []
