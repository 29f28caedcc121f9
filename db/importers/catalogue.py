"""Import a catalogue CSV: detect its schema, check every row, then write it in one transaction.

Nothing is written unless the whole file is valid, or ``skip_invalid`` is set, in which case the
valid rows are written and the report lists every skipped line with its reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from db.importers import kaggle, tidytuesday
from db.importers.csv_schema import CsvSchema
from db.importers.csv_source import CatalogueFileError, RawTable, read_table
from db.importers.report import ValidationReport
from db.importers.validation import RowChecker
from db.importers.writer import WriteSummary, write_catalogue
from music.catalogue_frames import CatalogueFrames

SCHEMAS: tuple[CsvSchema, ...] = (tidytuesday.SCHEMA, kaggle.SCHEMA)


class InvalidRowsError(CatalogueFileError):
    """Some rows are invalid and ``skip_invalid`` was not given; nothing was written."""

    def __init__(self, path: Path, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"{path.name}: {report.summary()}; nothing was imported "
            "(fix the file, or pass --skip-invalid to import the valid rows)"
        )


@dataclass
class ParsedCatalogue:
    schema: CsvSchema
    frames: CatalogueFrames
    report: ValidationReport


@dataclass
class ImportResult:
    schema: CsvSchema
    report: ValidationReport  # with skip_invalid, its problems are the skipped rows
    summary: WriteSummary
    tracks_in_file: int


def detect_schema(path: Path, header: list[str]) -> CsvSchema:
    """The schema whose distinctive columns the header shares most; refuse unknown headers."""
    present = set(header)
    scores = [(len(schema.signature & present), schema) for schema in SCHEMAS]
    best_score, best = max(scores, key=lambda pair: pair[0])
    if best_score == 0:
        shown = ", ".join(header[:6]) + (", ..." if len(header) > 6 else "")
        expected = " or ".join(schema.label for schema in SCHEMAS)
        raise CatalogueFileError(
            f"{path.name} has an unrecognised header ({shown}); expected the {expected} columns"
        )
    missing = [column for column in best.required if column not in present]
    if missing:
        raise CatalogueFileError(
            f"{path.name} looks like the {best.label} schema but lacks required "
            f"column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
        )
    return best


def parse_catalogue(
    path: Path | str, progress: Callable[[int], None] | None = None
) -> ParsedCatalogue:
    """Read, detect and check ``path``; ``progress`` receives bytes read (see ``read_table``)."""
    path = Path(path)
    table: RawTable = read_table(path, progress)
    schema = detect_schema(path, table.header)
    checker = RowChecker(table)
    frames = schema.parse(checker)
    return ParsedCatalogue(schema=schema, frames=frames, report=checker.report())


def ensure_importable(path: Path, parsed: ParsedCatalogue, *, skip_invalid: bool) -> None:
    """Raise unless the file is clean, or has valid rows and invalid ones may be skipped."""
    report = parsed.report
    if report.problems and not skip_invalid:
        raise InvalidRowsError(path, report)
    if report.valid_rows == 0:
        raise CatalogueFileError(f"{path.name}: no row is valid ({report.summary()})")


def import_parsed(
    session: Session | Connection,
    path: Path,
    parsed: ParsedCatalogue,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write a parsed file in the caller's transaction, or raise before writing anything."""
    ensure_importable(path, parsed, skip_invalid=skip_invalid)
    report = parsed.report
    summary = write_catalogue(session, parsed.frames, progress)
    return ImportResult(
        schema=parsed.schema,
        report=report,
        summary=summary,
        tracks_in_file=len(parsed.frames.tracks),
    )


def import_catalogue(
    session: Session | Connection,
    path: Path | str,
    *,
    skip_invalid: bool = False,
) -> ImportResult:
    """Parse and write ``path`` in the caller's transaction (no progress output)."""
    path = Path(path)
    return import_parsed(session, path, parse_catalogue(path), skip_invalid=skip_invalid)
