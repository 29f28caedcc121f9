"""A friendly "nothing here yet" block: what is missing and what to do about it."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component


def empty_state(
    title: str, text: str, action: Component | None = None, icon: str = "bi-music-note-beamed"
) -> html.Div:
    return html.Div(
        [
            html.I(className=f"bi {icon} fs-2 d-block mb-2", **{"aria-hidden": "true"}),
            html.Div(title, className="empty-title"),
            html.P(text, className="mb-2"),
            *([action] if action is not None else []),
        ],
        className="empty-state",
    )
