"""Admin: accounts, the served model and recent training runs. Admins only.

The navbar shows the link to admins only; the layout checks again, because anyone can type the URL.
Training itself is not started from here: it runs in `flask ml train` or the background worker.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_login import current_user

from dashapp.services import accounts, freshness, recommendations

dash.register_page(__name__, path="/admin", title="Admin · Mixmap")

SHOWN_METRICS = 4


def _stat(label: str, value: Any) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody([html.Div(str(value), className="stat-number"), html.Small(label)]),
            className="text-center mb-3",
        ),
        xs=6,
        md=3,
    )


def runs_table(runs: list[freshness.TrainingRun]) -> Any:
    if not runs:
        return html.P("No model has been trained yet: run `flask --app app ml train`.")
    header = html.Thead(
        html.Tr([html.Th("Version"), html.Th("Trained"), html.Th("Tracks"), html.Th("Metrics")])
    )
    rows = [
        html.Tr(
            [
                html.Td(html.Code(run.version)),
                html.Td(freshness.humanize_age(run.trained_at)),
                html.Td(f"{run.track_count:,}"),
                html.Td(
                    ", ".join(
                        f"{name} {value:.3f}" if isinstance(value, float) else f"{name} {value}"
                        for name, value in list(run.metrics.items())[:SHOWN_METRICS]
                    ),
                    className="small",
                ),
            ]
        )
        for run in runs
    ]
    return dbc.Table([header, html.Tbody(rows)], size="sm", responsive=True, striped=True)


def layout(**_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    if not current_user.is_admin:
        return dbc.Alert("This page is for administrators.", color="warning", id="admin-refused")
    counts = accounts.user_counts()
    serving = recommendations.loaded_model()
    status = freshness.model_freshness(serving.version if serving else None)
    return html.Div(
        [
            html.H1("Admin", className="h4"),
            dbc.Row(
                [
                    _stat("accounts", counts.accounts),
                    _stat("active in the last 7 days", counts.active_last_7_days),
                    _stat("demo listeners", counts.demo_listeners),
                    _stat("feedback events since the model", status.new_events),
                ]
            ),
            html.P(
                [
                    "Serving: ",
                    html.Code(serving.version) if serving else html.Em("no model loaded"),
                    " · ",
                    freshness.describe(status),
                ]
            ),
            html.H2("Recent training runs", className="h6"),
            runs_table(freshness.recent_runs()),
        ],
        id="admin",
    )
