"""What an import found wrong, row by row, and how it is shown to the person importing."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

# How many problems the terminal shows; the rest go to ``--report FILE`` when asked.
SHOWN_PROBLEMS = 20


@dataclass(frozen=True, order=True)
class RowProblem:
    """One thing wrong with one row; ``line`` is where the row starts in the file (1-based)."""

    line: int
    column: str  # "" when the problem is the row as a whole
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ValidationReport:
    rows_read: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def invalid_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})

    @property
    def valid_rows(self) -> int:
        return self.rows_read - len(self.invalid_lines)

    def summary(self) -> str:
        """One line: how many rows are invalid and the first problem."""
        invalid = len(self.invalid_lines)
        rows = "row" if invalid == 1 else "rows"
        return f"{invalid} invalid {rows} of {self.rows_read} (first: {self.problems[0]})"

    def lines(self, limit: int = SHOWN_PROBLEMS) -> list[str]:
        """The first ``limit`` problems as text, and a count of the rest."""
        shown = [f"  {problem}" for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(f"  ... and {len(self.problems) - limit} more problems")
        return shown

    def write_csv(self, path: Path) -> None:
        """Every problem as ``line,column,reason`` for a spreadsheet or a script."""
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "column", "reason"])
            writer.writerows((p.line, p.column, p.reason) for p in self.problems)
