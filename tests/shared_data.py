"""Where the real datasets are (../shared/data, read at run time, never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MIXMAP_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
TIDYTUESDAY_CSV = SHARED_DATA / "tidytuesday" / "spotify_songs.csv"
HETREC_DIR = SHARED_DATA / "hetrec2011-lastfm-2k"


def require_shared_data(path: Path) -> Path:
    # CI has ../shared/data; its absence is a broken checkout layout, not a reason to pass quietly.
    if not path.exists():
        pytest.fail(f"shared data not found at {path} (set MIXMAP_SHARED_DATA to its folder)")
    return path
