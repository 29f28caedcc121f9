"""Home: the listener's live recommendations."""

from __future__ import annotations

import dash
from dash import html

dash.register_page(__name__, path="/", title="Home · Mixmap")


def layout() -> html.Div:
    return html.Div("Mixmap", id="home")
