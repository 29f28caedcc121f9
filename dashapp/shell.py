"""The frame around every page: navbar and page container."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html


def app_shell() -> html.Div:
    return html.Div([dbc.Container(dash.page_container, fluid=True)])
