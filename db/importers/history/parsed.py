"""What a parser hands back for one file: the listens and how many entries it ignored."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.importers.history.listen import Listen


@dataclass
class ParsedRows:
    listens: list[Listen] = field(default_factory=list)
    # Entries that are valid but are not music listens (podcasts, rows without a title or date).
    ignored: int = 0

    def extend(self, other: ParsedRows) -> None:
        self.listens.extend(other.listens)
        self.ignored += other.ignored
