"""The header of a table: unknown, repeated and missing columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker


class HeaderChecks(Checker):
    """The columns a table file has against those of its table."""

    def check_header(self, batch: Batch, names: Iterable[str], line: int | None = 1) -> None:
        """Unknown, repeated and missing columns, reported at the header `line` (CSV: 1)."""
        names = list(names)
        self.header_checked = True
        self.header_line = line
        counts = Counter(names)  # one pass: a header of 100,000 columns is not quadratic
        # Columns of no table sort after the table's (see add): past `limit` they are not kept.
        repeated = sorted(n for n, times in counts.items() if times > 1)
        others = [n for n in repeated if n not in self.by_name][: self.limit]
        for name in [n for n in repeated if n in self.by_name] + others:
            self.add(
                batch,
                None,
                name,
                "GE202",
                "each column once",
                name,
                "repeated",
                (("name", name), ("times", counts[name])),
            )
        for name in [n for n in names if n not in self.by_name][: self.limit]:
            self.add(
                batch,
                None,
                name,
                "GE202",
                "one of " + ", ".join(self.by_name),
                name,
                params=(("name", name), ("table", self.table)),
            )
        for c in self.columns:
            if c.name not in counts:
                self.missing.add(c.name)
                self.add(
                    batch,
                    None,
                    c.name,
                    "GE203",
                    c.name,
                    None,
                    params=(("table", self.table), ("name", c.name)),
                )
