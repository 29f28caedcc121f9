"""What a user waits for in the browser: Home's content, a like's card update, Explore's first map.

Starts gunicorn with the production settings over the catalogue `bench/interactive.py` prepares
(`--catalogue kaggle`: the real 114k file; `flask setup` on first use), logs one fresh account in
through `/login` in headless Chromium at 1440x900, and times, from the page's own clock
(`performance.now()`, navigation start = 0):

- **home**: navigation to `/` until the first recommendation card is in the page;
- **click**: a Like press until its card is marked (`.track-card.is-like`), `--clicks` times on
  different cards, timed inside the page (a MutationObserver), so no WebDriver round trip counts;
- **explore cold / warm**: navigation to `/explore` until the map's first trace has points. Cold
  is the first visit of a fresh browser profile (empty HTTP cache); warm is a later visit;
- **plotly bytes on revisit**: the bytes the warm visit transferred for the plotly bundle
  (Resource Timing `transferSize`; 0 when the browser's cache answered).

Targets (issue 12): click -> updated card <= 300 ms p50; Home content <= 800 ms; Explore first
map <= 1 s warm and <= 2 s cold on the 114k catalogue; a revisit transfers no plotly bundle.

    .venv/bin/python bench/browser_timing.py --catalogue kaggle
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from interactive import (  # noqa: E402
    DATABASES,
    PASSWORD,
    make_accounts,
    prepare,
    server_environment,
)
from served_app import start_gunicorn, stop_server  # noqa: E402

HOST = "127.0.0.1"
WINDOW = (1440, 900)
TIMEOUT_S = 60

# Resolves with performance.now() once `selector` matches (checked on every DOM change).
WAIT_FOR_JS = """
const [selector, done] = [arguments[0], arguments[arguments.length - 1]];
const found = () => document.querySelector(selector);
if (found()) { done(performance.now()); return; }
new MutationObserver((_, observer) => {
    if (found()) { observer.disconnect(); done(performance.now()); }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""
# Presses the Like of the card at `index` and resolves with the ms until the card in that place
# is marked (React may replace the element, so the whole document is watched).
CLICK_JS = """
const [index, done] = [arguments[0], arguments[arguments.length - 1]];
const marked = () => {
    const card = document.querySelectorAll('.track-card')[index];
    return card && card.classList.contains('is-like');
};
const started = performance.now();
new MutationObserver((_, observer) => {
    if (marked()) { observer.disconnect(); done(performance.now() - started); }
}).observe(document, {subtree: true, childList: true, attributes: true});
document.querySelectorAll('.track-card')[index].querySelector('button.feedback-like').click();
"""
# The map's first trace has points (plotly keeps the drawn data on the graph div).
MAP_DRAWN_JS = """
const done = arguments[arguments.length - 1];
const drawn = () => {
    const graph = document.querySelector('#explore-map .js-plotly-plot');
    const data = graph && graph._fullData;
    return data && data.some(t => (t.x && t.x.length) || (t.lon && t.lon.length));
};
const check = () => drawn() ? done(performance.now()) : requestAnimationFrame(check);
check();
"""
PLOTLY_BYTES_JS = """
return performance.getEntriesByType('resource')
    .filter(e => /plotly/.test(e.name) && /\\.js/.test(e.name))
    .map(e => [e.name.replace(location.origin, ''), e.transferSize]);
"""


def browser():  # -> selenium WebDriver: a fresh profile, so an empty HTTP cache
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='mixmap-browser-')}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(TIMEOUT_S)
    return driver


def log_in(driver, base: str, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    driver.execute_async_script(WAIT_FOR_JS, ".navbar")


def page_ms(driver, url: str, script: str, *args: object) -> float:
    """ms from navigation start until ``script`` resolves on the page at ``url``."""
    driver.get(url)
    return float(driver.execute_async_script(script, *args))


def measure(base: str, email: str, clicks: int) -> dict[str, object]:
    driver = browser()
    try:
        log_in(driver, base, email)
        # The first Explore visit of this profile: nothing cached yet.
        explore_cold = page_ms(driver, f"{base}/explore", MAP_DRAWN_JS)
        homes = [page_ms(driver, f"{base}/", WAIT_FOR_JS, ".track-card") for _ in range(3)]
        click_ms = []
        for index in range(clicks):
            driver.execute_async_script(WAIT_FOR_JS, ".track-card")
            click_ms.append(float(driver.execute_async_script(CLICK_JS, index % 10)))
        warm, plotly_bytes = [], []
        for _ in range(3):
            warm.append(page_ms(driver, f"{base}/explore", MAP_DRAWN_JS))
            plotly_bytes += driver.execute_script(PLOTLY_BYTES_JS)
    finally:
        driver.quit()
    return {
        "home_ms": homes,
        "click_ms": click_ms,
        "explore_cold_ms": explore_cold,
        "explore_warm_ms": warm,
        "plotly_bytes_on_revisit": plotly_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--catalogue", choices=sorted(DATABASES), default="kaggle")
    parser.add_argument("--clicks", type=int, default=10)
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mixmap-interactive"
    )
    args = parser.parse_args()
    if not 1 <= args.clicks <= 50:
        parser.error("--clicks is 1..50")
    database_url = DATABASES[args.catalogue]
    workdir = args.workdir / args.catalogue
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_environment(database_url, workdir)
    prepare(env, args.catalogue, args.data)
    (email,) = make_accounts(database_url, 1, uuid.uuid4().hex[:8])
    server = start_gunicorn(env, HOST, args.port, workdir / f"browser-{args.port}.log")
    try:
        figures = measure(f"http://{HOST}:{args.port}", email, args.clicks)
    finally:
        stop_server(server)
    clicks = figures["click_ms"]
    print(f"## {args.catalogue}: headless Chromium {WINDOW[0]}x{WINDOW[1]}, gunicorn on {HOST}")
    print(f"home content ms (3 visits): {[round(v) for v in figures['home_ms']]}")
    print(f"click -> card marked ms ({len(clicks)} likes): {[round(v) for v in clicks]}")
    print(
        f"explore first map ms: cold {figures['explore_cold_ms']:.0f}, warm "
        f"{[round(v) for v in figures['explore_warm_ms']]}"
    )
    revisit = figures["plotly_bytes_on_revisit"]
    print(f"plotly bundle bytes transferred on the warm visits: {revisit}")
    print(
        f"click_p50_ms={statistics.median(clicks):.0f} click_max_ms={max(clicks):.0f} "
        f"home_ms={statistics.median(figures['home_ms']):.0f} "
        f"explore_cold_ms={figures['explore_cold_ms']:.0f} "
        f"explore_warm_ms={statistics.median(figures['explore_warm_ms']):.0f} "
        f"plotly_bytes_revisit={max([size for _, size in revisit] or [0])}"
    )


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"(bench took {time.monotonic() - started:.0f} s)", file=sys.stderr)
