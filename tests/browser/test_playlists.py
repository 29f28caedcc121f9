"""Playlist builder journey in headless Chromium: generate a mood playlist, reorder it by drag,
lock a track, sort around the lock, reload and find the same order."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from app import create_app
from dashapp.config import Config
from dashapp.services import accounts, playlists
from db.session import database
from tests.integration.playlist_catalogue import playlist_model, seed_playlist_catalogue

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def playlist_app(sqlite_database_url, tmp_path, monkeypatch):
    server = create_app(Config.for_testing(sqlite_database_url, tmp_path / "models"))
    seed_playlist_catalogue()
    server.config["TEST_USER_ID"] = accounts.register("ana@example.com", PASSWORD, "Ana").id
    # The generators run on the small test bundle (no trained model is needed for the UI).
    monkeypatch.setattr(playlists, "loaded_model", playlist_model)
    yield server
    database.engine.dispose()


def log_in(dash_duo, server) -> None:
    dash_duo.start_server(server.extensions["dash"], navigate=False)
    dash_duo.driver.get(f"{dash_duo.server.url}/login?next=/playlists")
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.find_element("#email").send_keys("ana@example.com")
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_element("#gen-go", timeout=10)


def grid_titles(dash_duo) -> list[str]:
    cells = dash_duo.find_elements("#playlist-grid .ag-center-cols-container [col-id=name]")
    rows = [(int(c.find_element("xpath", "..").get_attribute("row-index")), c.text) for c in cells]
    return [text for _, text in sorted(rows)]


def click(dash_duo, selector: str) -> None:
    """Scroll the element into view and click it (an open dropdown may overlap it otherwise)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    dash_duo.driver.execute_script("arguments[0].click();", element)


def wait_until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_generate_reorder_lock_sort_and_reload(dash_duo, playlist_app):
    log_in(dash_duo, playlist_app)
    user = playlist_app.config["TEST_USER_ID"]

    def stored():
        return playlists.get_playlist(user, detail.id).items

    # Generate an 8-track mood playlist: "happy" is preselected, add "calm".
    dash_duo.select_dcc_dropdown("#gen-moods", value="Calm / peaceful")
    length = dash_duo.find_element("#gen-length")
    length.clear()
    length.send_keys("8")
    click(dash_duo, "#gen-go")
    wait_until(lambda: "playlist=" in dash_duo.driver.current_url)
    titles = wait_until(lambda: len(grid_titles(dash_duo)) == 8 and grid_titles(dash_duo))
    detail = playlists.get_playlist(user, int(dash_duo.driver.current_url.split("=")[-1]))
    assert detail.generator["filter"] == {"moods": ["happy", "calm"]}

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
