"""Read a catalogue CSV into string columns, refusing files that are not UTF-8 CSV text.

Everything wrong with the file as a whole (missing, binary, wrong encoding, empty, no rows, not
comma-separated) raises ``CatalogueFileError`` with a message the user can act on. Rows with the
wrong number of fields (a truncated last line, a stray comma) become row problems instead, so
``--skip-invalid`` can drop them.

The standard ``csv`` module is used rather than ``pandas.read_csv`` because it tells us the line
each row starts on (quoted fields may span lines) and fails loudly on broken quoting.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from db.importers.catalogue_file import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    CatalogueFileError,
    read_catalogue_bytes,
)
from db.importers.report import RowProblem

__all__ = ["CatalogueFileError", "RawTable", "read_table"]

# Rows read between progress reports.
PROGRESS_EVERY = 5_000
# Leading bytes that name a file that is not text, with what to tell the user.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    # Only reached inside an archive (the outer file is unpacked by ``read_catalogue_bytes``).
    (b"PK\x03\x04", "holds another ZIP archive, not a CSV file; unpack it first"),
    (b"\x1f\x8b", "holds a gzip-compressed file, not a CSV file; unpack it first"),
    (b"%PDF", "is a PDF document, not a CSV file"),
    (b"SQLite format 3\x00", "is an SQLite database, not a CSV file"),
    (b"\xff\xfe\x00\x00", "is UTF-32 encoded; save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "is UTF-32 encoded; save it as UTF-8"),
    (b"\xff\xfe", "is UTF-16 encoded; save it as UTF-8"),
    (b"\xfe\xff", "is UTF-16 encoded; save it as UTF-8"),
)
# pandas writes its unnamed index as "" or "Unnamed: 0"; the Kaggle file starts with one.
_INDEX_COLUMN = re.compile(r"^(unnamed: ?\d+)?$")


@dataclass
class RawTable:
    """A CSV file as text: header names (lower-cased, trimmed) and one string column each."""

    header: list[str]
    # One object array of trimmed strings per header name; "" for an empty cell.
    columns: dict[str, np.ndarray]
    lines: np.ndarray  # int64: the line each row starts on
    problems: list[RowProblem] = field(default_factory=list)  # rows with the wrong field count

    def __len__(self) -> int:
        return len(self.lines)


def read_table(
    path: Path | str,
    progress: Callable[[int], None] | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> RawTable:
    """Read ``path`` (CSV, ``.csv.gz`` or a one-CSV zip, see ``catalogue_file``).

    ``progress(n)`` is called with a share of the file's size on disk as rows are parsed; the
    calls add up to that size whether or not the file was compressed.
    """
    path = Path(path)
    data = read_catalogue_bytes(path, limits)
    text = _decode(path, data)
    if not text.strip():
        raise CatalogueFileError(f"{path.name} is empty")
    size = path.stat().st_size
    header_line, header, rows, lines, problems = _parse(path, text, size, progress)
    return _table(path, header_line, header, rows, lines, problems)


def _decode(path: Path, data: bytes) -> str:
    for signature, message in _SIGNATURES:
        if data.startswith(signature):
            raise CatalogueFileError(f"{path.name} {message}")
    head = data[:8192]
    if b"\x00" in head:
        # Text in UTF-16 without a byte-order mark has a NUL beside every ASCII letter.
        if head.count(b"\x00") * 3 > len(head):
            raise CatalogueFileError(f"{path.name} looks UTF-16 encoded; save it as UTF-8")
        raise CatalogueFileError(f"{path.name} is a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise CatalogueFileError(
            f"{path.name} is not UTF-8 text (byte 0x{byte} on line {line}); "
            "save it as UTF-8 (it may be Latin-1 or Windows-1252)"
        ) from error


def _parse(
    path: Path, text: str, size: int, progress: Callable[[int], None] | None
) -> tuple[int, list[str], list[list[str]], list[int], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[RowProblem] = []
    next_line = 1  # the line the next record starts on
    ends_with_newline = text.endswith(("\n", "\r"))
    total_lines = max(text.count("\n") + (0 if ends_with_newline else 1), 1)
    reported = 0
    while True:
        start = next_line
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            next_line = reader.line_num + 1
            if header is None:
                raise CatalogueFileError(
                    f"{path.name} line {start}: the header is not valid CSV ({error})"
                ) from error
            at_end = reader.line_num >= total_lines
            reason = (
                "is cut short: the file ends inside a quoted field (truncated file?)"
                if at_end
                else f"is not valid CSV ({error})"
            )
            problems.append(RowProblem(start, "", reason))
            rows.append([""] * len(header))
            lines.append(start)
            continue
        next_line = reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if header is None:
            header, header_line = row, start
            continue
        if len(row) != len(header):
            last = reader.line_num >= total_lines
            if last and not ends_with_newline and len(row) < len(header):
                reason = (
                    f"is cut short: {len(row)} of {len(header)} fields and no line end "
                    "(truncated file?)"
                )
            else:
                reason = f"has {len(row)} fields but the header has {len(header)}"
            problems.append(RowProblem(start, "", reason))
            row = (row + [""] * len(header))[: len(header)]
        rows.append(row)
        lines.append(start)
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            done = size * reader.line_num // total_lines
            progress(done - reported)
            reported = done
    if progress is not None:
        progress(size - reported)
    assert header is not None  # the text is not blank, so some row was read
    return header_line, header, rows, lines, problems


def _table(
    path: Path,
    header_line: int,
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    problems: list[RowProblem],
) -> RawTable:
    names = [name.strip().lower() for name in header]
    if len(names) < 2:
        raise CatalogueFileError(_not_comma_separated(path, header[0]))
    keep = list(range(len(names)))
    if _INDEX_COLUMN.match(names[0]):
        keep = keep[1:]  # a leading unnamed index column carries nothing
    kept_names = [names[i] for i in keep]
    for position, name in zip(keep, kept_names, strict=True):
        if not name:
            raise CatalogueFileError(
                f"{path.name} line {header_line}: header column {position + 1} has no name"
            )
    repeated = sorted({n for n in kept_names if kept_names.count(n) > 1})
    if repeated:
        raise CatalogueFileError(
            f"{path.name}: the header repeats column {', '.join(map(repr, repeated))}"
        )
    if not rows:
        raise CatalogueFileError(f"{path.name} has a header but no data rows")
    cells = list(zip(*rows, strict=True))
    columns = {name: _trimmed(cells[i]) for i, name in zip(keep, kept_names, strict=True)}
    return RawTable(
        header=kept_names,
        columns=columns,
        lines=np.asarray(lines, dtype=np.int64),
        problems=problems,
    )


# Whitespace at either end of any cell of a column joined with NUL (csv text never holds NUL).
_UNTRIMMED = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")


def _trimmed(cells: tuple[str, ...]) -> np.ndarray:
    """The cells without surrounding whitespace; one regex scan spares stripping clean columns."""
    if _UNTRIMMED.search("\x00".join(cells)):
        return np.array([text.strip() for text in cells], dtype=object)
    return np.array(cells, dtype=object)


def _not_comma_separated(path: Path, first_line: str) -> str:
    for separator, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
        if separator in first_line:
            return (
                f"{path.name} is not comma-separated (its header is split by {label}); "
                "export it with commas"
            )
    return f"{path.name} does not look like a CSV file: its first line has no commas"
