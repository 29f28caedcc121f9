"""Explore map first render in headless Chromium: 114k points from page load to pixels.

Serves a bare Dash app (no login, no database) whose one callback does what the Explore page's map
callback does (``explore.map_points`` + ``build_map_figure`` on a synthetic 114k-track bundle,
from ``bench/map.py``), then loads it in headless Chromium (Debian chromium + chromedriver via
selenium) and times navigation start -> the map's WebGL traces holding every point. Polled every
20 ms, so figures are late by up to that much. Each load is a fresh page (scripts cached after the
first, as for a returning user); the first load is reported separately.

    .venv/bin/python bench/map_render.py [--tracks 114000] [--loads 5] [--dims 2]

Last line: first_render_p50_ms=… first_render_max_ms=… cold_load_ms=… plot_p50_ms=… points=…
(plot = from the figure's response arriving to the points drawn: plotly.js's own share).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dash import Dash, Input, Output, dcc, html
from map import synthetic_tracks
from selenium import webdriver
from werkzeug.serving import make_server

from dashapp.components.map_figure import build_map_figure
from dashapp.services import explore

DRAWN = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd._fullData || !gd._fullLayout) return null;
const n = gd._fullData.reduce((sum, t) => sum + (t.x ? t.x.length : 0), 0);
if (n < arguments[0]) return null;
const ends = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('_dash-update-component')).map(e => e.responseEnd);
const layout = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('_dash-layout')).map(e => e.responseEnd);
return [performance.now(), Math.max(...ends), Math.max(...layout)];
"""


def bench_app(n_tracks: int, dims: int) -> Dash:
    base = explore.build_map_base(*synthetic_tracks(n_tracks), version="render-bench")
    app = Dash(__name__)
    app.layout = html.Div([dcc.Location(id="url"), dcc.Graph(id="map", style={"height": "80vh"})])

    @app.callback(Output("map", "figure"), Input("url", "pathname"))
    def draw(_path):
        points = explore.map_points(base, dims=dims)
        return build_map_figure(points, uirevision="bench")

    return app


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--enable-unsafe-swiftshader"):  # fmt: skip
        options.add_argument(flag)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


def first_render_ms(driver: webdriver.Chrome, url: str, expected: int) -> tuple[float, ...]:
    """(navigation -> drawn, Dash app booted, figure response received -> drawn), in ms."""
    driver.get(url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = driver.execute_script(DRAWN, expected)
        if found:
            drawn, figure_received, booted = (float(v) for v in found)
            return drawn, booted, drawn - figure_received
        time.sleep(0.02)
    raise RuntimeError("the map did not render within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="unused")
    parser.add_argument("--tracks", type=int, default=114_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--dims", type=int, choices=(2, 3), default=2)
    args = parser.parse_args()

    app = bench_app(args.tracks, args.dims)
    expected = min(args.tracks, explore.MAX_POINTS_2D if args.dims == 2 else explore.MAX_POINTS_3D)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    driver = chromium()
    try:
        cold = first_render_ms(driver, url, expected)[0]
        runs = [first_render_ms(driver, url, expected) for _ in range(args.loads)]
        warm = [run[0] for run in runs]
    finally:
        driver.quit()
        server.shutdown()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{expected:,} points ({args.dims}D): cold load {cold:.0f} ms (scripts fetched)")
    print("warm loads, navigation -> drawn (ms): " + " ".join(f"{t:.0f}" for t in warm))
    print("  of which page + Dash boot (ms):     " + " ".join(f"{r[1]:.0f}" for r in runs))
    print("  figure received -> drawn (ms):      " + " ".join(f"{r[2]:.0f}" for r in runs))
    print(
        f"first_render_p50_ms={np.percentile(warm, 50):.0f} first_render_max_ms={max(warm):.0f} "
        f"cold_load_ms={cold:.0f} "
        f"plot_p50_ms={np.percentile([r[2] for r in runs], 50):.0f} points={expected}"
    )


if __name__ == "__main__":
    main()
