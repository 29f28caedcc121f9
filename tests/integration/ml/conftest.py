"""A small demo catalogue (generated, a few hundred tracks) with listeners in the test database."""

from __future__ import annotations

import pytest

from db.demo.load import load_demo_data
from db.session import session_scope

DEMO_TRACKS = 300
DEMO_LISTENERS = 12


@pytest.fixture
def demo_db(db):
    with session_scope() as session:
        load_demo_data(session, n_tracks=DEMO_TRACKS, n_listeners=DEMO_LISTENERS)
    return db


@pytest.fixture
def demo_app(app):
    with session_scope() as session:
        load_demo_data(session, n_tracks=DEMO_TRACKS, n_listeners=DEMO_LISTENERS)
    return app
