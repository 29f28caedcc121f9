"""Screenshots of Home, Insights, Explore and Playlists for the demo listener, for the docs.

Builds a throwaway Mixmap (SQLite in a temp folder, the generated demo catalogue and listeners,
a freshly trained model), serves it on a local port, logs in as the demo listener in headless
Chromium and saves ``home.png`` and ``insights.png`` (full page), then Explore and Playlists as
the first screen a user sees on a 1440 px desktop and a 390 px phone (``explore-desktop.png``,
``explore-phone.png``, ``playlists-desktop.png``, ``playlists-phone.png``; Playlists right after
generating a playlist from the bottom of the form).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--tracks 3000]

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser-deps`` installs them).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from dashapp.config import Config  # noqa: E402
from db import migrate  # noqa: E402
from db.demo.listeners import DEMO_LOGIN_EMAIL, DEMO_LOGIN_PASSWORD  # noqa: E402
from db.demo.load import load_demo_data  # noqa: E402
from db.session import create_db_engine, database  # noqa: E402

WINDOW = (1280, 1000)
DESKTOP = (1440, 900)
PHONE = (390, 844)  # a common phone in portrait, CSS pixels
WAIT_SECONDS = 60
MAX_BYTES = 500_000  # keep the repository small: a screenshot over this is worth shrinking


def build_instance(folder: Path, n_tracks: int, n_listeners: int) -> Config:
    url = f"sqlite:///{folder / 'mixmap.db'}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    database.configure(url)
    print(f"generating {n_tracks} demo tracks and {n_listeners} listeners…", flush=True)
    with database.session_scope() as session:
        load_demo_data(session, n_tracks=n_tracks, n_listeners=n_listeners)
    config = Config.for_testing(url, folder / "models")
    config.TESTING = False
    from dashapp.services.training import train_from_database

    print("training a model…", flush=True)
    with create_app(config).app_context():
        train_from_database(folder / "models")
    return config


def chrome() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(options=options)


def capture(base_url: str, out: Path) -> list[Path]:
    driver = chrome()
    wait = WebDriverWait(driver, WAIT_SECONDS)
    saved = []
    try:
        driver.get(f"{base_url}/login")
        driver.find_element(By.ID, "email").send_keys(DEMO_LOGIN_EMAIL)
        driver.find_element(By.ID, "password").send_keys(DEMO_LOGIN_PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".track-card"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#listeners-like-you"))
        time.sleep(1.5)  # let the slider and cards finish their transitions
        saved.append(_save(driver, out / "home.png"))

        driver.get(f"{base_url}/insights")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")) >= 6)
        time.sleep(2.0)  # plotly animates the first draw
        saved.append(_save(driver, out / "insights.png"))

        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            _screen_size(driver, size)
            saved.append(_explore(driver, wait, base_url, out / f"explore-{name}.png"))
            saved.append(_playlists(driver, wait, base_url, out / f"playlists-{name}.png"))
    finally:
        driver.quit()
    return saved


def _save(driver: webdriver.Chrome, path: Path) -> Path:
    # Full-page height, so the whole dashboard is in one picture.
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(WINDOW[0], min(max(int(height), WINDOW[1]), 2400))
    driver.save_screenshot(str(path))
    driver.set_window_size(*WINDOW)
    return path


def _screen_size(driver: webdriver.Chrome, size: tuple[int, int]) -> None:
    """The viewport of a device this size (headless Chromium will not make a window narrower
    than 500 px, so a phone is emulated as DevTools does)."""
    driver.set_window_size(max(size[0], 500), size[1])
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 500},
    )


def _explore(driver: webdriver.Chrome, wait: WebDriverWait, base_url: str, path: Path) -> Path:
    driver.get(f"{base_url}/explore")
    wait.until(
        lambda d: d.execute_script(
            "const gd = document.querySelector('#explore-map .js-plotly-plot');"
            "return !!(gd && gd._fullData && gd._fullData.length > 1);"
        )
    )
    time.sleep(2.0)  # the legend and family labels settle after the first draw
    driver.save_screenshot(str(path))
    return path


def _playlists(driver: webdriver.Chrome, wait: WebDriverWait, base_url: str, path: Path) -> Path:
    """Generate a calm playlist from the bottom of the form: what the user then sees."""
    driver.get(f"{base_url}/playlists")
    wait.until(lambda d: d.find_elements(By.ID, "gen-go"))
    moods = driver.find_element(
        By.CSS_SELECTOR, """[id='{"panel":"playlist","type":"filter-moods"}']"""
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", moods)
    time.sleep(1.0)
    moods.click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"))
    for option in driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
        if option.text == "Calm / peaceful":
            option.click()
            break
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    button = driver.find_element(By.ID, "gen-go")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    time.sleep(1.0)
    driver.execute_script("arguments[0].click();", button)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-grid .ag-row"))
    time.sleep(2.0)  # the grid and the sparkline finish drawing; the editor scrolls into view
    driver.save_screenshot(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    parser.add_argument("--tracks", type=int, default=3000)
    parser.add_argument("--listeners", type=int, default=120)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mixmap-screens-") as folder:
        config = build_instance(Path(folder), args.tracks, args.listeners)
        server = create_app(config)
        http = make_server("127.0.0.1", args.port, server, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            saved = capture(f"http://127.0.0.1:{args.port}", args.out)
        finally:
            http.shutdown()
            database.engine.dispose()
    too_big = False
    for path in saved:
        size = path.stat().st_size
        too_big |= size > MAX_BYTES
        print(
            f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}: "
            f"{size / 1000:.0f} kB"
        )
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
