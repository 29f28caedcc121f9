"""Bytes a first visit transfers for Mixmap's JavaScript bundles: raw, brotli and gzip.

    .venv/bin/python bench/asset_sizes.py

Builds the app on a throwaway SQLite file and asks each bundle the page references (plus the
plotly.js bundle the renderer loads) through Flask's test client, as a browser would with each
``Accept-Encoding``. Sizes, not times: they do not depend on the machine's load. A revisit
transfers none of them (``Cache-Control: immutable``; see dashapp/asset_delivery.py).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from dashapp.asset_delivery import plotly_bundle_url
from dashapp.config import Config

ENCODINGS = ("identity", "br", "gzip")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    server = create_app(Config.for_testing(f"sqlite:///{folder / 'sizes.db'}", folder / "models"))
    client = server.test_client()
    with server.test_request_context("/"):
        html = server.extensions["dash"].index()
    urls = [*re.findall(r'src="(/_dash-component-suites/[^"]+)"', html), plotly_bundle_url()]
    totals = [0] * len(ENCODINGS)
    print("| bundle | raw | br | gzip | Cache-Control |\n|---|---:|---:|---:|---|")
    # The bundles are served to logged-in pages only; the sizes do not depend on who asks.
    with mock.patch("dashapp.auth.is_public", lambda _path: True):
        for url in urls:
            sizes = []
            for encoding in ENCODINGS:
                response = client.get(url, headers={"Accept-Encoding": encoding})
                sizes.append(len(response.get_data()))
            totals = [a + b for a, b in zip(totals, sizes, strict=True)]
            name = url.rsplit("/", 1)[-1]
            cells = " | ".join(f"{size:,}" for size in sizes)
            print(f"| {name} | {cells} | {response.headers.get('Cache-Control')} |")
    cells = " | ".join(f"{size:,}" for size in totals)
    print(f"| **total** | {cells} | |")


if __name__ == "__main__":
    main()
