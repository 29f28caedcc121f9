"""The Admin page's figure: each model version's gate score over time, by status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

STATUS_COLOURS = {
    "active": "#198754",
    "retired": "#6c757d",
    "rejected": "#dc3545",
    "candidate": "#0d6efd",
}


def versions_over_time(rows: Sequence[Any], metric: str = "ndcg@10") -> go.Figure:
    """Gate metric of each version (``admin_console.VersionRow``) against its training time: the
    candidate on the holdout, coloured by status, and the popularity baseline as a line."""
    ordered = sorted((r for r in rows if r.candidate is not None), key=lambda r: r.created_at)
    figure = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = [r for r in ordered if r.status == status]
        if part:
            figure.add_scatter(
                x=[r.created_at for r in part],
                y=[r.candidate for r in part],
                mode="markers",
                marker={"color": colour, "size": 10},
                name=status,
                text=[f"{r.version}<br>{r.reason}" for r in part],
                hovertemplate="%{text}<br>" + metric + " %{y:.3f}<extra></extra>",
            )
    baseline = [r for r in ordered if r.popularity is not None]
    if baseline:
        figure.add_scatter(
            x=[r.created_at for r in baseline],
            y=[r.popularity for r in baseline],
            mode="lines",
            line={"color": "#adb5bd", "dash": "dot"},
            name="popularity baseline",
        )
    figure.update_layout(
        template="plotly_white",
        height=300,
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        title={"text": f"{metric} on the holdout of recent feedback", "x": 0, "font": {"size": 14}},
        yaxis={"title": metric, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure
