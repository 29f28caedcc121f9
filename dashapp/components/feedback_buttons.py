"""Like / favourite / skip / ban buttons for one track, wired by pattern-matching ids.

Every button's id is ``{"type": "feedback", "track": <track id>, "kind": <kind>}``; a page listens
to ``FEEDBACK_INPUT`` and records whichever was clicked. The user is never part of the id: the
callback takes it from ``current_user``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, html

from dashapp.services.feedback import BAN_ARTIST, BAN_TRACK

FEEDBACK_TYPE = "feedback"
FEEDBACK_INPUT = Input({"type": FEEDBACK_TYPE, "track": ALL, "kind": ALL}, "n_clicks")

# (kind, icon, short visible text, full label for tooltips and screen readers, colour)
BUTTONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("like", "bi-hand-thumbs-up", "Like", "Like", "outline-success"),
    ("favourite", "bi-heart", "Favourite", "Favourite", "outline-danger"),
    ("skip", "bi-skip-forward", "Skip", "Skip: not now", "outline-secondary"),
    (BAN_TRACK, "bi-slash-circle", "Ban track", "Never suggest this track", "outline-dark"),
    (BAN_ARTIST, "bi-person-x", "Ban artist", "Never suggest this artist", "outline-dark"),
)


def feedback_id(track_id: str, kind: str) -> dict[str, str]:
    return {"type": FEEDBACK_TYPE, "track": track_id, "kind": kind}


def feedback_buttons(track_id: str, artist_name: str = "") -> dbc.ButtonGroup:
    buttons = []
    for kind, icon, text, label, colour in BUTTONS:
        title = f"Never suggest {artist_name}" if kind == BAN_ARTIST and artist_name else label
        buttons.append(
            dbc.Button(
                # The text stays visible: the icon font comes from a CDN and may not load.
                [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), text],
                id=feedback_id(track_id, kind),
                color=colour.removeprefix("outline-"),
                outline=colour.startswith("outline-"),
                size="sm",
                title=title,
                n_clicks=0,
                className=f"feedback-{kind}",
            )
        )
    return dbc.ButtonGroup(buttons, className="feedback-buttons", size="sm")
