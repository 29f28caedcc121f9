"""What a platform's health check needs to know: can this process reach its database, and does it
serve a model. A failing database is the one condition that makes the process useless."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text

from dashapp.services import model_store
from db.session import session_scope

log = logging.getLogger(__name__)


def health_report() -> tuple[dict[str, Any], bool]:
    """(JSON body, healthy). Unhealthy only when the database does not answer."""
    try:
        with session_scope() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any driver error means the same to a load balancer
        log.exception("health check: database unreachable")
        database = "unreachable"
    loaded = model_store.current()
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "model": loaded.version if loaded else None,
    }
    return body, database == "ok"
