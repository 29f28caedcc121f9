"""Like / favourite / skip / ban buttons for one track, wired by pattern-matching ids.

Every button's id is ``{"type": "feedback", "track": <track id>, "kind": <kind>}``. The buttons
are plain icon buttons (one component each; the icon font is vendored in assets/vendor, the label
is in ``aria-label`` and the tooltip). A page turns their clicks into one small action in the
browser (``FEEDBACK_ACTION_JS``) and records that on the server, so a click posts one value, not
the click counts of every button on the list. The user is never part of the id: the server takes
it from ``current_user``.
"""

from __future__ import annotations

from dash import ALL, Input, html

from dashapp.services.feedback import BAN_ARTIST, BAN_TRACK

FEEDBACK_TYPE = "feedback"
FEEDBACK_INPUT = Input({"type": FEEDBACK_TYPE, "track": ALL, "kind": ALL}, "n_clicks")

# (kind, icon, label for tooltips and screen readers, colour)
BUTTONS: tuple[tuple[str, str, str, str], ...] = (
    ("like", "bi-hand-thumbs-up", "Like", "success"),
    ("favourite", "bi-heart", "Favourite", "danger"),
    ("skip", "bi-skip-forward", "Skip: not now", "secondary"),
    (BAN_TRACK, "bi-slash-circle", "Never suggest this track", "dark"),
    (BAN_ARTIST, "bi-person-x", "Never suggest this artist", "dark"),
)

# Browser side: the clicked button becomes ``{track, kind, seq}``, ``seq`` counting the page's
# clicks (it names the click: a re-delivered request is recorded once). Buttons that a new list
# inserts (n_clicks 0) also fire the pattern input and change nothing. Called with the click
# counts and the previous action (the callback's State).
FEEDBACK_ACTION_JS = """
function (_clicks, previous) {
    const trigger = (dash_clientside.callback_context.triggered || [])[0];
    if (!trigger || !trigger.value) { return dash_clientside.no_update; }
    const id = JSON.parse(trigger.prop_id.slice(0, trigger.prop_id.lastIndexOf(".")));
    return {track: id.track, kind: id.kind, seq: ((previous && previous.seq) || 0) + 1};
}
"""


def feedback_id(track_id: str, kind: str) -> dict[str, str]:
    return {"type": FEEDBACK_TYPE, "track": track_id, "kind": kind}


def feedback_buttons(track_id: str, artist_name: str = "") -> html.Div:
    buttons = []
    for kind, icon, label, colour in BUTTONS:
        title = f"Never suggest {artist_name}" if kind == BAN_ARTIST and artist_name else label
        buttons.append(
            html.Button(
                id=feedback_id(track_id, kind),
                className=f"btn btn-sm btn-outline-{colour} bi {icon} feedback-{kind}",
                title=title,
                n_clicks=0,
                **{"aria-label": title},
            )
        )
    return html.Div(buttons, className="btn-group btn-group-sm feedback-buttons", role="group")
