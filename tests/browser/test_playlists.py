"""Playlist builder journeys in headless Chromium: generate a mood playlist (it opens in view,
says so, and the form keeps its values), reorder it by drag, lock a track, sort around the lock,
edit with "nothing to change" answers and a list that follows, reload and find the same order;
and on a phone, where the editor comes first."""

from __future__ import annotations

import time

from selenium.webdriver.common.action_chains import ActionChains

from dashapp.services import accounts, playlists
from tests.browser.accounts import PASSWORD, new_email

MOODS_DROPDOWN = """[id='{"panel":"playlist","type":"filter-moods"}']"""


IN_VIEW = """
    const r = arguments[0].getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0 && r.height > 0;
"""
SCROLL_Y = "return window.scrollY"


def in_view(dash_duo, selector: str) -> bool:
    return dash_duo.driver.execute_script(IN_VIEW, dash_duo.find_element(selector))


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


def scroll_to(dash_duo, selector: str) -> int:
    """Scroll the element to the middle of the screen and wait for the scroll to end (Bootstrap
    makes scrolling smooth); returns where the page came to rest."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    previous = -1
    while (now := dash_duo.driver.execute_script(SCROLL_Y)) != previous:
        previous = now
        time.sleep(0.3)
    return now


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
    scrolled = scroll_to(dash_duo, "#gen-go")  # down to the button, as the user is
    assert scrolled > 0  # the form is long: the button is below the first screen
    click(dash_duo, "#gen-go")
    titles = wait_until(lambda: len(grid_titles(dash_duo)) == 8 and grid_titles(dash_duo))
    (made,), _curated = playlists.list_playlists(user)
    detail = playlists.get_playlist(user, made.id)
    assert detail.generator["filter"]["moods"] == ["calm"]
    # The result is on screen where the user is, with a success message, without scrolling
    # away from the form; the form keeps its values for a tweak and another run.
    assert in_view(dash_duo, "#playlist-grid .ag-row")
    assert dash_duo.driver.execute_script(SCROLL_Y) == scrolled
    dash_duo.wait_for_contains_text("#gen-message", f"Made “{made.name}”: 8 tracks", timeout=10)
    assert in_view(dash_duo, "#gen-success")
    # Opening the editor in place clicks none of its buttons (no rename, no edit message).
    assert dash_duo.find_element("#pl-message").text == ""
    assert dash_duo.find_element("#gen-length").get_attribute("value") == "8"
    assert "Calm / peaceful" in dash_duo.find_element(MOODS_DROPDOWN).text
    # The list on the left has it, and the address bar links to it.
    dash_duo.wait_for_contains_text("#pl-mine", made.name, timeout=10)
    assert dash_duo.driver.current_url.endswith(f"?playlist={made.id}")

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

    # Dedupe with nothing to drop says so instead of doing nothing silently.
    assert stored()["track_id"].is_unique
    click(dash_duo, "#pl-dedupe")
    dash_duo.wait_for_contains_text("#pl-message", "No duplicates", timeout=10)

    # Removing a ticked track refreshes the count in the list on the left.
    row = "#playlist-grid .ag-center-cols-container .ag-row[row-index='7']"
    click(dash_duo, f"{row} .ag-selection-checkbox input")
    click(dash_duo, "#pl-remove")
    wait_until(lambda: len(stored()) == 7)
    dash_duo.wait_for_contains_text("#pl-mine", "7 · ", timeout=10)
    final = stored()["name"].tolist()
    assert final[1] == expected[1]

    # Reload (the address bar links to the playlist): the grid shows the stored order.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#playlist-grid .ag-row", timeout=10)
    wait_until(lambda: grid_titles(dash_duo) == final)
    # The browser console has no errors from the page (network errors for external CDNs aside).
    assert [e for e in dash_duo.get_logs() if e.get("source") != "network"] == []


def test_phone_opens_the_generated_playlist_first(mixmap):
    dash_duo = mixmap
    dash_duo.driver.set_window_size(390, 844)
    log_in(dash_duo)
    assert dash_duo.driver.execute_script("return window.innerWidth") <= 390
    # The editor comes before the long form on a phone.
    editor_top = dash_duo.find_element("#pl-editor").rect["y"]
    assert editor_top < dash_duo.find_element("#gen-go").rect["y"]
    assert editor_top < 844
    scroll_to(dash_duo, MOODS_DROPDOWN)
    dash_duo.select_dcc_dropdown(MOODS_DROPDOWN, value="Calm / peaceful")
    scroll_to(dash_duo, "#gen-go")
    assert not in_view(dash_duo, "#pl-editor")
    click(dash_duo, "#gen-go")
    rows = "return document.querySelectorAll('#playlist-grid .ag-row').length"
    wait_until(lambda: dash_duo.driver.execute_script(rows) > 0)
    # The user was at the button, far down the form: the result is brought to them.
    wait_until(lambda: in_view(dash_duo, "#playlist-grid .ag-row"))
