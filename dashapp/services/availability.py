"""Whether a database error means "the database is away for now" rather than a bug.

A PostgreSQL restart or failover refuses new connections ("connection refused", "the database
system is shutting down") and breaks pooled ones; a pool that is exhausted times out. Nothing a
request does can succeed then, but the same request will a few seconds later: callers answer 503
with Retry-After instead of 500 (issue 9).
"""

from __future__ import annotations

from sqlalchemy import exc

# Seconds a client should wait before retrying; a PostgreSQL restart took 2-8 s in bench/load.py.
RETRY_AFTER_SECONDS = 5


def is_database_unavailable(error: BaseException) -> bool:
    """True for errors of reaching the database, not of the statement sent to it."""
    if isinstance(error, exc.TimeoutError):  # the connection pool is exhausted
        return True
    if isinstance(error, exc.DBAPIError):
        # OperationalError is the DBAPI's class for connection and server-state failures;
        # connection_invalidated marks a pooled connection that broke mid-request.
        return isinstance(error, exc.OperationalError) or bool(error.connection_invalidated)
    return False
