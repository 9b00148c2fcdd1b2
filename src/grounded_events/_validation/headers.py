"""The header of a table: unknown (and misspelt), repeated and missing required columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker
from grounded_events._validation.suggest import closest


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
        absent = [c.name for c in self.columns if c.name not in counts]
        self.missing.update(absent)  # no rule reads a column that is not there
        meant: set[str] = set()  # absent columns an unknown one misspells: said once, there
        unknown = [n for n in names if n not in self.by_name]
        # more unknown columns than the table has are another file's, not misspellings
        guess = len(unknown) <= len(self.columns)
        for name in unknown[: self.limit]:
            hint = closest(name, [a for a in absent if a not in meant]) if guess else None
            params: tuple[tuple[str, Any], ...] = (("name", name), ("table", self.table))
            if hint is not None:
                meant.add(hint)
                params += (("suggestion", hint),)
            self.add(
                batch,
                None,
                name,
                "GE202",
                hint or f"a column of the {self.table} table",
                name,
                "suggest" if hint else "",
                params,
            )
        # what every row must have a value for: a list column left out is read as empty lists
        required = [
            n
            for n in absent
            if n not in meant and self.by_name[n].required and self.by_name[n].kind != "list"
        ]
        if required:
            names_text = ", ".join(repr(n) for n in required[:-1]) + f" and {required[-1]!r}"
            self.add(
                batch,
                None,
                required[0],
                "GE203",
                ", ".join(required),
                None,
                "several" if len(required) > 1 else "",
                (("table", self.table), ("name", required[0]), ("names", names_text)),
            )
