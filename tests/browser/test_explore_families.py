"""The Explore legend reads as an atlas: families as titled groups of their clusters, and family
names written on the 2D map, in headless Chromium."""

from __future__ import annotations

import pytest

from app import create_app
from dashapp.config import Config
from dashapp.services import accounts, model_store
from db.session import database
from tests.browser.test_explore import PASSWORD, log_in, seed_catalogue, wait_until
from tests.unit.dashapp.explore_frames import loaded_model_with_families

pytestmark = pytest.mark.browser


@pytest.fixture
def atlas_app(sqlite_database_url, tmp_path, monkeypatch):
    model = loaded_model_with_families(300, version="browser-families")
    server = create_app(Config.for_testing(sqlite_database_url, tmp_path / "models"))
    seed_catalogue(model.bundle.tracks)
    accounts.register("ana@example.com", PASSWORD, "Ana")
    monkeypatch.setattr(model_store, "current", lambda: model)
    yield server, model
    database.engine.dispose()


def test_explore_legend_lists_families_with_their_clusters(dash_duo, atlas_app):
    server, model = atlas_app
    log_in(dash_duo, server)
    # Plotly draws each legend group as a <g class="groups">: its title, then its items.
    legend = """
        const gd = document.querySelector('#explore-map .js-plotly-plot');
        if (!gd) return null;
        const texts = (root, s) => [...root.querySelectorAll(s)].map(e => e.textContent);
        return {groups: [...gd.querySelectorAll('.legend g.groups')].map(
                    g => texts(g, '.legendtitletext, .legendtext')),
                labels: texts(gd, '.annotation-text')};
    """
    atlas = model.bundle.atlas
    seen = wait_until(lambda: (s := dash_duo.driver.execute_script(legend)) and s["labels"] and s)
    expected = [
        [family.name, *(model.bundle.cluster_names[c] for c in family.clusters)]
        for family in atlas.families
    ]
    assert seen["groups"] == expected
    assert sorted(seen["labels"]) == sorted(family.name for family in atlas.families)
