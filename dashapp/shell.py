"""The frame around every page: navbar (pages, model freshness, user menu) and page container.

Dash calls ``app_shell`` for every full page load, so the navbar reflects the logged-in user (the
Admin link only for admins) and the model's freshness at that moment. Dash also calls it once at
start-up without a request, to validate the layout; it then renders the anonymous frame.

The freshness line then follows the model by itself: an interval re-reads it about as often as the
process looks for a new model, so a retrain shows up without a page reload. That poll reads the
model this process already serves and two indexed counts, nothing heavier.
"""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from flask import current_app, has_request_context
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from dashapp.services import freshness, model_store

log = logging.getLogger(__name__)

# (label, path); Admin is appended for admins only.
PAGES: tuple[tuple[str, str], ...] = (
    ("Home", "/"),
    ("Explore", "/explore"),
    ("Playlists", "/playlists"),
    ("Insights", "/insights"),
    ("Profile", "/profile"),
)
ADMIN_PAGE = ("Admin", "/admin")
# Bounds of the navbar's freshness poll (seconds): no faster than a human reads, no slower than a
# minute even when the process looks for models rarely.
FRESHNESS_POLL_SECONDS = (5.0, 60.0)


def _logged_in() -> bool:
    return has_request_context() and bool(current_user) and current_user.is_authenticated


def model_status() -> tuple[str, str]:
    """(the navbar's freshness line, its tooltip naming the served model version)."""
    try:
        # Describe the model this process serves, which may lag the newest run by a reload.
        serving = model_store.current()
        version = serving.version if serving else None
        text = freshness.describe(freshness.model_freshness(version))
    except Exception:
        # The navbar must render even when the database is briefly unavailable.
        log.exception("could not read model freshness")
        return "model status unavailable", ""
    return text, f"model {version}" if version else "no model served"


def freshness_poll_ms() -> int:
    low, high = FRESHNESS_POLL_SECONDS
    reload_seconds = float(current_app.config.get("MODEL_RELOAD_SECONDS") or 0)
    return int(min(max(reload_seconds, low), high) * 1000)


def register_callbacks(app: dash.Dash) -> None:
    """The shell's callbacks, registered on ``app`` itself (the shell module is imported once
    per process, but each app built in it needs them)."""

    @app.callback(
        Output("freshness", "children"),
        Output("freshness", "title"),
        Input("freshness-poll", "n_intervals"),
        prevent_initial_call=True,
    )
    def refresh_freshness(_ticks: int) -> tuple[str, str]:
        return model_status()

    # Pure UI state, so in the browser: the toggler opens/closes the phone menu, and following a
    # link closes it (the page underneath is what the user asked for).
    app.clientside_callback(
        """
        function (clicks, _pathname, isOpen) {
            const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
            return trigger.startsWith("navbar-toggler") ? !isOpen : false;
        }
        """,
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        Input("_pages_location", "pathname"),
        State("navbar-collapse", "is_open"),
        prevent_initial_call=True,
    )


def nav_links(is_admin: bool) -> list[dbc.NavItem]:
    pages = (*PAGES, ADMIN_PAGE) if is_admin else PAGES
    return [
        dbc.NavItem(dbc.NavLink(label, href=path, active="exact", id=f"nav-{label.lower()}"))
        for label, path in pages
    ]


def logout_form() -> html.Form:
    """A POST with the CSRF token, so no other site can log the user out with a link."""
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button("Log out", type="submit", className="dropdown-item", id="logout-button"),
        ],
        action="/logout",
        method="post",
        className="m-0",
    )


def user_menu() -> dbc.DropdownMenu:
    return dbc.DropdownMenu(
        [
            dbc.DropdownMenuItem(current_user.email, header=True),
            dbc.DropdownMenuItem("Profile & preferences", href="/profile"),
            dbc.DropdownMenuItem("Change password", href="/account/password", external_link=True),
            dbc.DropdownMenuItem(divider=True),
            logout_form(),
        ],
        label=current_user.display_name,
        nav=True,
        align_end=True,
        id="user-menu",
    )


def navbar() -> dbc.Navbar:
    logged_in = _logged_in()
    right = []
    if logged_in:
        text, title = model_status()
        right = [
            html.Span(text, title=title, className="navbar-text freshness me-3", id="freshness"),
            dcc.Interval(id="freshness-poll", interval=freshness_poll_ms()),
            dbc.Nav([user_menu()], navbar=True),
        ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Mixmap", href="/", className="mixmap-brand"),
                dbc.NavbarToggler(id="navbar-toggler", n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(
                            nav_links(logged_in and current_user.is_admin),
                            navbar=True,
                            className="me-auto",
                        ),
                        *right,
                    ],
                    id="navbar-collapse",
                    navbar=True,
                    # Closed on phones until the toggler opens it (the open menu took ~40 % of
                    # the first screen); from the md breakpoint up Bootstrap always shows it.
                    is_open=False,
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand="md",
        className="mb-3",
    )


def app_shell() -> html.Div:
    return html.Div(
        [navbar(), dbc.Container(dash.page_container, fluid="xl", className="pb-5")],
    )
