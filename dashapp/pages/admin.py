"""Admin: the operator's console. Admins only.

Model versions with their gate scores over time, what changed between two versions (as the gate
stored it), "retrain now" (a request the worker picks up; its progress refreshes here), rollback,
and the accounts. The navbar shows the link to admins only; the layout and every callback check
again, because anyone can type the URL or post a callback.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from flask_login import current_user

from dashapp.components.model_charts import versions_over_time
from dashapp.services import accounts, admin_console, freshness, model_store

dash.register_page(__name__, path="/admin", title="Admin · Mixmap")

RUNS_REFRESH_MS = 3000
NONE = "\u2013"  # an en dash in empty cells


def _is_admin() -> bool:
    return bool(current_user and current_user.is_authenticated and current_user.is_admin)


def _stat(label: str, value: Any) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody([html.Div(str(value), className="stat-number"), html.Small(label)]),
            className="text-center mb-3",
        ),
        xs=6,
        md=3,
    )


def _score(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else NONE


def versions_table(rows: list[admin_console.VersionRow]) -> Any:
    if not rows:
        return html.P(
            "No model version yet: the worker trains the first one, or run "
            "`flask --app app ml train`.",
            id="admin-no-versions",
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(name)
                for name in (
                    "Version",
                    "Status",
                    "Trained",
                    "Tracks",
                    "Size",
                    "NDCG@10",
                    "Popularity",
                    "vs active (newer feedback)",
                    "Why",
                )
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(html.Code(row.version)),
                html.Td(dbc.Badge(row.status, color=_status_colour(row.status))),
                html.Td(freshness.humanize_age(row.created_at)),
                html.Td(f"{row.tracks:,}"),
                html.Td(f"{row.size_mb:.1f} MB" if row.size_mb is not None else NONE),
                html.Td(_score(row.candidate)),
                html.Td(_score(row.popularity)),
                html.Td(
                    f"{_score(row.candidate_on_newer)} vs {_score(row.active_on_newer)}"
                    if row.active_on_newer is not None
                    else NONE
                ),
                html.Td(row.reason, className="small"),
            ]
        )
        for row in rows
    ]
    return dbc.Table([header, html.Tbody(body)], size="sm", responsive=True, striped=True)


def _status_colour(status: str) -> str:
    return {"active": "success", "rejected": "danger", "candidate": "primary"}.get(
        status, "secondary"
    )


def runs_list(runs: list[admin_console.RunRow]) -> Any:
    if not runs:
        return html.P("No retrain asked for yet.", className="text-muted small")
    items = []
    for run in runs:
        detail = run.progress if run.status in ("queued", "running") else run.message
        items.append(
            html.Li(
                [
                    dbc.Badge(run.status, color="info" if run.status == "running" else "light"),
                    f" #{run.id} ({run.trigger}, {freshness.humanize_age(run.requested_at)}) ",
                    html.Span(detail or "", className="small"),
                    html.Code(f" {run.version}") if run.version else "",
                ]
            )
        )
    return html.Ul(items, className="list-unstyled", id="admin-runs-list")


def users_table(rows: list[admin_console.UserRow]) -> Any:
    header = html.Thead(
        html.Tr([html.Th(n) for n in ("Email", "Name", "Admin", "Joined", "Last login", "Events")])
    )
    body = [
        html.Tr(
            [
                html.Td(row.email),
                html.Td(row.display_name),
                html.Td("yes" if row.is_admin else ""),
                html.Td(freshness.humanize_age(row.created_at)),
                html.Td(freshness.humanize_age(row.last_login_at) if row.last_login_at else NONE),
                html.Td(f"{row.events:,}"),
            ]
        )
        for row in rows
    ]
    return dbc.Table([header, html.Tbody(body)], size="sm", responsive=True, striped=True)


def layout(**_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    if not current_user.is_admin:
        return dbc.Alert("This page is for administrators.", color="warning", id="admin-refused")
    counts = accounts.user_counts()
    serving = model_store.current()
    status = freshness.model_freshness(serving.version if serving else None)
    rows = admin_console.versions()
    options = [{"label": f"{r.version} ({r.status})", "value": r.version} for r in rows]
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
                    "This process serves: ",
                    html.Code(serving.version) if serving else html.Em("no model loaded"),
                    " · ",
                    freshness.describe(status),
                ]
            ),
            html.H2("Model versions", className="h6 mt-3"),
            dcc.Graph(figure=versions_over_time(rows), id="admin-versions-chart")
            if any(r.candidate is not None for r in rows)
            else html.Div(),
            versions_table(rows),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H2("Retrain", className="h6"),
                            dbc.Button("Retrain now", id="admin-retrain", color="primary"),
                            html.Div(id="admin-retrain-status", className="mt-2"),
                            html.Div(runs_list(admin_console.retrain_runs()), id="admin-runs"),
                            dcc.Interval(id="admin-runs-tick", interval=RUNS_REFRESH_MS),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            html.H2("Roll back", className="h6"),
                            dcc.Dropdown(
                                id="admin-rollback-version",
                                options=options,
                                placeholder="the version that served before (default)",
                            ),
                            dbc.Button(
                                "Serve this version",
                                id="admin-rollback",
                                color="warning",
                                className="mt-2",
                            ),
                            html.Div(id="admin-rollback-status", className="mt-2"),
                        ],
                        md=6,
                    ),
                ],
                className="mt-3",
            ),
            html.H2("What changed between two versions", className="h6 mt-3"),
            dbc.Row(
                [
                    dbc.Col(dcc.Dropdown(id="admin-diff-a", options=options), md=5),
                    dbc.Col(dcc.Dropdown(id="admin-diff-b", options=options), md=5),
                ]
            ),
            html.Div(id="admin-diff", className="mt-2"),
            html.H2("Accounts", className="h6 mt-3"),
            users_table(admin_console.users()),
        ],
        id="admin",
    )


def _refused() -> Any:
    return dbc.Alert("Only administrators can do this.", color="danger", className="py-2")


@callback(
    Output("admin-retrain-status", "children"),
    Input("admin-retrain", "n_clicks"),
    prevent_initial_call=True,
)
def ask_for_retrain(_clicks: int) -> Any:
    if not _is_admin():
        return _refused()
    message = admin_console.request_retrain(int(current_user.id))
    return dbc.Alert(message, color="info", className="py-2")


@callback(
    Output("admin-runs", "children"),
    Input("admin-runs-tick", "n_intervals"),
    Input("admin-retrain-status", "children"),
    prevent_initial_call=True,
)
def refresh_runs(_ticks: int, _status: Any) -> Any:
    """Progress of queued and running retrains (the worker writes it as it goes)."""
    if not _is_admin():
        return _refused()
    return runs_list(admin_console.retrain_runs())


@callback(
    Output("admin-rollback-status", "children"),
    Input("admin-rollback", "n_clicks"),
    State("admin-rollback-version", "value"),
    prevent_initial_call=True,
)
def roll_back(_clicks: int, version: str | None) -> Any:
    if not _is_admin():
        return _refused()
    if version is not None and (not isinstance(version, str) or len(version) > 64):
        return dbc.Alert("Pick a version from the list.", color="danger", className="py-2")
    try:
        message = admin_console.rollback(int(current_user.id), version)
    except admin_console.AdminError as error:
        return dbc.Alert(str(error), color="danger", className="py-2")
    return dbc.Alert(message, color="success", className="py-2")


@callback(
    Output("admin-diff", "children"),
    Input("admin-diff-a", "value"),
    Input("admin-diff-b", "value"),
    prevent_initial_call=True,
)
def show_diff(first: str | None, second: str | None) -> Any:
    if not _is_admin():
        return _refused()
    if not (isinstance(first, str) and isinstance(second, str)) or first == second:
        return html.P("Pick two different versions.", className="text-muted small")
    try:
        diff = admin_console.version_diff(first, second)
    except admin_console.AdminError as error:
        return dbc.Alert(str(error), color="danger", className="py-2")
    return diff_card(diff)


def diff_card(diff: admin_console.VersionDiff) -> Any:
    lines: list[Any] = [
        html.Li(f"tracks: {diff.tracks[0]:,} → {diff.tracks[1]:,}"),
        html.Li(f"clusters: {diff.clusters[0]} → {diff.clusters[1]}"),
    ]
    stored = diff.stored
    if stored is None:
        lines.append(
            html.Li(
                "No listener or cluster comparison stored for this pair: the gate compares each "
                "candidate with the version active when it was trained.",
                className="text-muted",
            )
        )
    else:
        lines += [
            html.Li(
                f"{stored.get('tracks_moved', 0):,} of {stored.get('common_tracks', 0):,} tracks "
                f"changed cluster; {stored.get('clusters_moved_count', 0)} clusters split"
            ),
            html.Li(
                f"top-10 changed for {stored.get('top10_changed', 0)} of "
                f"{stored.get('listeners', 0)} listeners (mean overlap "
                f"{stored.get('mean_top10_overlap')})"
            ),
        ]
        lines += [
            html.Li(f"“{m['cluster']}” kept {m['kept']:.0%}, now mostly in “{m['now_mostly_in']}”")
            for m in stored.get("clusters_moved", [])
        ]
    return html.Div(
        [html.P([html.Code(diff.older), " → ", html.Code(diff.newer)]), html.Ul(lines)],
        id="admin-diff-card",
    )
