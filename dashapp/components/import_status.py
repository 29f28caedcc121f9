"""The Profile page's history-import block: the upload box and the latest import's progress
(also used for the Spotify library and Last.fm scrobble imports, which are the same jobs)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashapp.services.history_import import ImportReport, ImportStatus

UPLOAD_ID = "history-upload"
STATUS_ID = "history-status"
POLL_ID = "history-poll"
POLL_MILLISECONDS = 2_000
FORMATS = (
    "Spotify Extended streaming history (the zip, or Streaming_History_Audio_*.json)",
    "Spotify Account data (StreamingHistory_music_*.json)",
    "Last.fm scrobbles CSV",
    "ListenBrainz export (the zip, .json or .jsonl)",
)


def upload_box(max_bytes: int) -> Component:
    return html.Div(
        [
            html.P(
                "Bring your listening from elsewhere: your plays and skips shape your "
                "recommendations, Insights and map right after the import.",
                className="small mb-2",
            ),
            html.Ul([html.Li(name) for name in FORMATS], className="small text-secondary"),
            dcc.Upload(
                id=UPLOAD_ID,
                children=html.Div(["Drop a file here or ", html.A("choose one", href="#")]),
                accept=".json,.jsonl,.csv,.zip",
                max_size=max_bytes,
                multiple=False,
                className="border rounded p-3 text-center small",
            ),
            html.Div(
                f"Up to {max_bytes // (1024 * 1024)} MB. Big files take a few minutes; "
                "you can leave this page meanwhile.",
                className="form-text",
            ),
        ]
    )


def _report_view(report: ImportReport) -> Component:
    rows = [
        ("Listens read", f"{report.listens:,}"),
        ("Matched to the catalogue", f"{report.matched:,} ({report.match_rate:.0%})"),
        ("Not in the catalogue", f"{report.unmatched:,}"),
        ("New plays / skips", f"{report.plays:,} / {report.skips:,}"),
        *([("Likes (saved tracks)", f"{report.likes:,}")] if report.likes else []),
        *([("Favourites (top tracks)", f"{report.favourites:,}")] if report.favourites else []),
        ("Already imported", f"{report.already_stored:,}"),
    ]
    if report.ignored:
        rows.append(("Podcasts and incomplete entries ignored", f"{report.ignored:,}"))
    table = dbc.Table(
        html.Tbody([html.Tr([html.Th(label), html.Td(value)]) for label, value in rows]),
        size="sm",
        className="small mb-2",
    )
    missing = [html.Li(f"{artist} ({count:,})") for artist, count in report.top_unmatched_artists]
    return html.Div(
        [
            table,
            *(
                [
                    html.Div("Artists we could not find most often:", className="small"),
                    html.Ul(missing, className="small mb-0", id="history-unmatched"),
                ]
                if missing
                else []
            ),
        ]
    )


def import_status_view(status: ImportStatus | None) -> Component:
    if status is None:
        return html.Div()
    if status.status == "failed":
        return dbc.Alert(
            [html.Strong(f"{status.filename} was not imported. "), status.message],
            color="danger",
            className="py-2 small",
        )
    if status.status == "done":
        return html.Div(
            [
                dbc.Alert(f"Imported {status.filename}.", color="success", className="py-2 small"),
                *([_report_view(status.report)] if status.report else []),
            ]
        )
    percent = round(status.progress * 100)
    return html.Div(
        [
            html.Div(f"{status.filename}: {status.message}", className="small mb-1"),
            dbc.Progress(
                value=max(percent, 3),
                label=f"{percent}%",
                striped=True,
                animated=True,
            ),
        ]
    )
