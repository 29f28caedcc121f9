"""Every row a user owns, found from the schema itself: tables with a foreign key to ``users``,
and tables with a foreign key to those (a playlist's items), to any depth.

Deriving the list from the metadata means a table added later (imported listening history,
connected-service tokens) is exported and counted without anyone remembering to list it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, MetaData, Table, false, func, or_, select
from sqlalchemy.orm import Session

USERS_TABLE = "users"
# Rows fetched per round trip when streaming a table out.
STREAM_ROWS = 1_000


@dataclass(frozen=True)
class OwnedTable:
    """A table whose rows belong to a user through ``columns`` referencing ``parent``."""

    table: Table
    columns: tuple[str, ...]  # this table's columns pointing at the parent
    referenced: tuple[str, ...]  # the parent columns they point at, pairwise
    parent: OwnedTable | None  # None: the columns point at users.id directly

    @property
    def name(self) -> str:
        return self.table.name

    def owned_by(self, user_id: int) -> ColumnElement[bool]:
        """SQL condition: this row belongs to ``user_id``."""
        if self.parent is None:
            return or_(*(self.table.c[column] == user_id for column in self.columns))
        parent = self.parent
        return or_(
            *(
                self.table.c[column].in_(
                    select(parent.table.c[target]).where(parent.owned_by(user_id))
                )
                for column, target in zip(self.columns, self.referenced, strict=True)
            )
        )


def owned_tables(metadata: MetaData) -> list[OwnedTable]:
    """Every table holding a user's rows, parents before children (breadth first from users)."""
    users = metadata.tables[USERS_TABLE]
    found: list[OwnedTable] = []
    by_table: dict[Table, OwnedTable | None] = {users: None}
    frontier: list[Table] = [users]
    while frontier:
        parent = frontier.pop(0)
        for table in metadata.sorted_tables:
            if table in by_table:
                continue
            pairs = [
                (fk.parent.name, fk.column.name)
                for fk in table.foreign_keys
                if fk.column.table is parent
            ]
            if not pairs:
                continue
            owned = OwnedTable(
                table=table,
                columns=tuple(column for column, _ in pairs),
                referenced=tuple(target for _, target in pairs),
                parent=by_table[parent],
            )
            by_table[table] = owned
            found.append(owned)
            frontier.append(table)
    return found


def owned_row_counts(session: Session, metadata: MetaData, user_id: int) -> dict[str, int]:
    """{table name: rows of ``user_id``} for ``users`` and every owned table."""
    users = metadata.tables[USERS_TABLE]
    counts = {
        USERS_TABLE: session.scalar(
            select(func.count()).select_from(users).where(users.c.id == user_id)
        )
        or 0
    }
    for owned in owned_tables(metadata):
        query = select(func.count()).select_from(owned.table).where(owned.owned_by(user_id))
        counts[owned.name] = session.scalar(query) or 0
    return counts


def stream_rows(
    session: Session, owned: OwnedTable, user_id: int, columns: tuple[str, ...]
) -> Iterator[tuple[Any, ...]]:
    """The user's rows of ``owned`` as tuples of ``columns``, fetched in batches, key order."""
    table = owned.table
    order = list(table.primary_key.columns) or [table.c[columns[0]]]
    query = (
        select(*(table.c[name] for name in columns))
        .where(owned.owned_by(user_id) if columns else false())
        .order_by(*order)
        .execution_options(yield_per=STREAM_ROWS)
    )
    for row in session.execute(query):
        yield tuple(row)
