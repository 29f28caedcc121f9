"""Dialect-aware bulk SQL on the session's connection, for writes too big for ORM objects.

SQLAlchemy's per-row parameter handling cost more than the database itself (30 s for the
TidyTuesday catalogue on SQLite, against 3 s this way), so these helpers go to the DBAPI cursor
with pre-rendered SQL: multi-row VALUES on SQLite, one array per column with ``unnest`` on
PostgreSQL. Values still go through each column type's own bind processor (``bound``), so what is
stored is exactly what the ORM would store. Everything runs in the caller's transaction.

Used by the catalogue writer (``db.importers.writer``) and the demo listeners' writer
(``db.demo.writer``). SQLite and PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

# Rows handed to one execute() call. SQLAlchemy splits each call into multi-row VALUES statements
# within the backend's parameter limit; this size only sets how often progress is reported.
BATCH_ROWS = 5_000
# Values bound in one multi-row INSERT: under SQLite's 32,766 and PostgreSQL's 65,535.
MAX_BOUND_PARAMETERS = 30_000
# Rows per PostgreSQL "INSERT ... SELECT FROM unnest(arrays)" statement.
UNNEST_ROWS = 20_000
# SQLite page cache during an import, in KiB (negative cache_size means KiB).
SQLITE_CACHE_KIB = 256 * 1024
# Keys per "IN (...)" list, well under SQLite's 32,766 bound parameters.
IN_LIST_SIZE = 5_000


def grow_sqlite_cache(connection: Connection) -> None:
    """Let SQLite keep a large import's indexes in memory (the default cache is 2 MB).

    Spotify ids are random, so inserts land all over the primary-key B-tree; with the default
    cache most of them reread pages. The setting lasts for this pooled connection, which is fine
    for a process that imports; it is a memory ceiling, not an allocation.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


# --- statements -------------------------------------------------------------------------------


def dialect_insert(connection: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (same call on SQLite and PostgreSQL)."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"catalogue import supports SQLite and PostgreSQL, not {name}")


def batches(rows: Sequence[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def ids_by(connection: Connection, key: Any, id_column: Any, keys: Iterable[Any]) -> dict:
    """{key: id} for the given keys that exist, queried in chunks."""
    return {row[0]: row[1] for row in select_in(connection, [key, id_column], key, keys)}


def _placeholder(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _names(connection: Connection, names: Iterable[str]) -> str:
    """Identifiers quoted where the dialect needs it ("key" is a keyword in places)."""
    return ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)


def select_in(
    connection: Connection, columns: Sequence[Any], key: Any, keys: Iterable[Any]
) -> list[tuple]:
    """Raw rows of ``columns`` whose ``key`` is in ``keys``, as the driver returns them."""
    keys = list(keys)
    names = _names(connection, [column.name for column in columns])
    select_from = f"SELECT {names} FROM {key.table.name} WHERE {key.name}"
    postgres = connection.dialect.name == "postgresql"
    # One array parameter on PostgreSQL: psycopg parses a query with thousands of %s slowly.
    # "IN (SELECT unnest(...))", not "= ANY(...)": psycopg prepares a statement run five times,
    # and PostgreSQL's generic plan for "= ANY($1)" scans the 5,000-key array linearly for every
    # row (a no-op re-import of 114k rows took 100 s on the tracks look-up); the semi-join form
    # hashes the keys in any plan.
    by_array = f"{select_from} IN (SELECT unnest(%s::{_sql_type(connection, key)}[]))"
    mark = _placeholder(connection)
    found: list[tuple] = []
    cursor = _cursor(connection)
    try:
        for start in range(0, len(keys), IN_LIST_SIZE):
            chunk = keys[start : start + IN_LIST_SIZE]
            if postgres:
                cursor.execute(by_array, (chunk,), binary=True)
            else:
                cursor.execute(f"{select_from} IN ({', '.join([mark] * len(chunk))})", chunk)
            found.extend(tuple(row) for row in cursor.fetchall())
    finally:
        cursor.close()
    return found


def _sql_type(connection: Connection, column: Any) -> str:
    """The column's SQL type without a length ("VARCHAR(64)" -> "VARCHAR"), for array casts."""
    return column.type.compile(dialect=connection.dialect).split("(")[0]


def _cursor(connection: Connection) -> Any:
    """A DBAPI cursor on the connection's current transaction (no per-row result wrapping)."""
    return connection.connection.cursor()


def bound(connection: Connection, column: Any, values: list[Any]) -> list[Any]:
    """``values`` as the column type's bind processor hands them to the driver."""
    process = column.type._cached_bind_processor(connection.dialect)
    if process is None:
        return values
    return [None if v is None else process(v) for v in values]


def insert_many(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple],
    tick: Callable[[int], None] = lambda _n: None,
) -> None:
    """Plain ``INSERT`` of already-bound row tuples, in few large statements.

    PostgreSQL gets one array per column and ``SELECT * FROM unnest(...)``: a handful of
    parameters per statement, where a multi-row VALUES list costs psycopg seconds of query
    parsing and executemany one round trip per row. SQLite gets multi-row VALUES.
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _insert_unnest(connection, table, columns, rows, tick)
        return
    mark = _placeholder(connection)
    one_row = f"({', '.join([mark] * len(columns))})"
    head = f"INSERT INTO {table.name} ({_names(connection, columns)}) VALUES "
    per_statement = max(1, MAX_BOUND_PARAMETERS // len(columns))
    full_sql = head + ", ".join([one_row] * per_statement)
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            if len(batch) == per_statement:
                sql = full_sql
            else:
                sql = head + ", ".join([one_row] * len(batch))
            cursor.execute(sql, [value for row in batch for value in row])
            tick(len(batch))
    finally:
        cursor.close()


def _insert_unnest(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple],
    tick: Callable[[int], None],
) -> None:
    types = [table.c[name].type.compile(dialect=connection.dialect) for name in columns]
    arrays = ", ".join(f"%s::{type_}[]" for type_ in types)
    sql = f"INSERT INTO {table.name} ({_names(connection, columns)}) SELECT * FROM unnest({arrays})"
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), UNNEST_ROWS):
            batch = rows[start : start + UNNEST_ROWS]
            arrays = [list(values) for values in zip(*batch, strict=True)]
            cursor.execute(sql, arrays, binary=True)
            tick(len(batch))
    finally:
        cursor.close()


def update_many(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    rows: Sequence[tuple],
) -> None:
    """``UPDATE ... WHERE key = ?`` for row tuples of (*columns values, key value)."""
    mark = _placeholder(connection)
    quote = connection.dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(column)} = {mark}" for column in columns)
    sql = f"UPDATE {table.name} SET {assignments} WHERE {key} = {mark}"
    cursor = _cursor(connection)
    try:
        for start in range(0, len(rows), BATCH_ROWS):
            cursor.executemany(sql, list(rows[start : start + BATCH_ROWS]))
    finally:
        cursor.close()


def python_values(series: pd.Series) -> list[Any]:
    """Plain Python scalars with None for missing values (DB drivers refuse numpy scalars)."""
    return series.to_numpy(dtype=object, na_value=None).tolist()


def records(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def text_values(series: pd.Series) -> list[str | None]:
    values = python_values(series)
    return [None if v is None or v == "" else str(v) for v in values]


def dates(series: pd.Series) -> list[date | None]:
    def as_date(value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return pd.Timestamp(value).date()

    return [as_date(v) for v in python_values(series)]
