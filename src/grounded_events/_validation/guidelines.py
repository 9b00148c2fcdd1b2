"""The coding rules of ANNOTATING.md that need a whole event with its evidence (annotations, records)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from grounded_events._core.safe_yaml import Loc
from grounded_events._schema.models import Event
from grounded_events._schema.tables import count_columns, event_row
from grounded_events._schema.vocab import (
    DERIVED_ROLES,
    AttributionStatus,
    DateBasis,
    EventType,
    Role,
)
from grounded_events._validation.codes import issue
from grounded_events._validation.issues import Issue

# Where an issue of an event goes: a path inside the event -> (line, field text).
Locate = Callable[[Loc], tuple[int | None, str]]

# The participant roles written by hand; each needs an evidence span of the field of its name.
ROLE_FIELDS = {
    Role.INITIATOR: "initiator",
    Role.TARGET: "target",
    Role.SPEAKER: "speaker",
    Role.ADDRESSEE: "addressee",
    Role.SUBJECT: "subject",
    Role.MEDIUM: "medium",
}
ATTRIBUTION = "initiator_attribution"  # the column of attribution.status
WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}
MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
_SINCE = re.compile(r"\bsince (" + "|".join(MONTHS) + r") (\d{1,2})\b")
_YEAR = re.compile(r"\bin (\d{4})\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_ANCHORED = re.compile(
    r"\b(after|before|following|prior|ago|later|earlier|next|until|till)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Placed:
    """One well-formed event and where it lives: its path in the file, and the file's doc_id."""

    loc: Loc  # ("events", i) in an annotation file, () for an events.jsonl record
    event: Event


# The columns of an `events` row that say whether the event codes each evidence field; a field
# whose column could not be read is not judged (its cell error says why).
DECIDED_BY: dict[str, tuple[str, ...]] = {
    "event": (),
    "date": ("date_basis",),
    "time_of_day": ("time_of_day",),
    "location": ("location_name", "geo_precision"),
    "weapons": ("event_type", "weapons"),
    "attribution": ("event_type", "initiator_attribution"),
    "fatalities": ("event_type", *count_columns("fatalities")),
    "injuries": ("event_type", *count_columns("injuries")),
    "aggregate": ("is_aggregate",),
    "statement": ("event_type",),
    "munitions": count_columns("munitions"),
    "attacks": count_columns("attacks"),
    "damage": ("damage",),
    "claim": ("claim_status",),
}
# Evidence fields a statement must not code: coding them is GE413's error, not judged again here.
NOT_FOR_STATEMENTS = ("weapons", "attribution", "fatalities", "injuries")


def coded_row(row: Mapping[str, Any], roles: Iterable[str] = ()) -> dict[str, bool]:
    """Each evidence field an event can have, and whether its flat `events` row (and its
    participants' `roles`) codes a value the text states for it (ANNOTATING.md section 11): True
    needs a span, False forbids one (unless `optional_span`); a field left out is not judged.

    The one reading of the rule for annotation files, records and the row-wise engine; the
    columnar engine's reading (`_validation/table_guidelines.py`) is cross-checked against it."""
    statement = row["event_type"] == EventType.STATEMENT
    fields = {
        "event": True,
        "date": row["date_basis"] != DateBasis.EXTERNAL,  # an external date is sourced in a note
        "time_of_day": row["time_of_day"] is not None,
        "location": row["location_name"] is not None or row["geo_precision"] is not None,
        "weapons": bool(row["weapons"]),
        "attribution": row["initiator_attribution"] not in (None, AttributionStatus.UNATTRIBUTED),
        "fatalities": any(row[c] is not None for c in count_columns("fatalities")),
        "injuries": any(row[c] is not None for c in count_columns("injuries")),
        "aggregate": bool(row["is_aggregate"]),
        "statement": statement,
        # (a table of schema 1.0.0 has none of these columns)
        "munitions": any(row.get(c) is not None for c in count_columns("munitions")),
        "attacks": any(row.get(c) is not None for c in count_columns("attacks")),
        "damage": row.get("damage") is not None,
        "claim": row.get("claim_status") is not None,
    }
    if statement:
        for field in NOT_FOR_STATEMENTS:
            if fields[field] or (field == "attribution" and row[ATTRIBUTION] is not None):
                del fields[field]
    written = {str(role) for role in roles}
    fields |= {field: str(role) in written for role, field in ROLE_FIELDS.items()}
    return fields


def optional_span(row: Mapping[str, Any], field: str) -> bool:
    """Spans allowed although not required: an unattributed event may quote the words saying
    nobody is named; a date may quote its words even when its basis is external."""
    if field == "attribution":
        return row[ATTRIBUTION] is not None
    return field == "date"


def resolve_pattern() -> str:
    """A pattern (RE2, for pyarrow) that every quote `resolve_date` resolves matches: a filter
    that may let more through, never fewer."""
    return "|".join(["since ", "in ", *WEEKDAYS])


def resolve_date(quote: str, published: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates a date expression resolves to by ANNOTATING.md section 5, None if not one of
    the recognised shapes: "since Month D" (to publication), "in YYYY", a bare weekday (not one
    that anchors "after", "before", ... : "two days after Friday's strike" is not Friday)."""
    if m := _SINCE.search(quote):
        try:
            start = dt.date(published.year, MONTHS[m[1]], int(m[2]))
        except ValueError:
            return None
        if start > published:  # "since December 20" read in January means last year
            start = start.replace(year=published.year - 1)
        return start, published
    if m := _YEAR.search(quote):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if (m := _WEEKDAY.search(quote)) and not _ANCHORED.search(quote):
        # A bare weekday in news is the most recent such day on or before publication; one
        # that anchors a relative phrase ("days after Friday's strike") is not the event's day.
        day = published - dt.timedelta(days=(published.weekday() - WEEKDAYS[m[1]]) % 7)
        return day, day
    return None


def _date_fits(
    start: dt.date, end: dt.date, resolved: tuple[dt.date, dt.date], weekday: bool
) -> bool:
    if weekday:  # "between Friday and Sunday" holds Friday: the day lies inside the span
        return start <= resolved[0] <= end
    return (start, end) == resolved


def event_issues(
    display: str,
    placed: Placed,
    locate: Locate,
    published: dt.date | None,
) -> list[Issue]:
    """The guideline errors of one well-formed event."""
    event, base = placed.event, placed.loc
    out: list[Issue] = []

    def at(*path: str | int) -> tuple[int | None, str]:
        return locate((*base, *path))

    row = event_row(event, "")  # the flat row the tables hold: one reading of the rule for both
    coded = coded_row(row, (p.role for p in event.participants))
    spans = {str(e.field) for e in event.evidence}
    for field, needed in coded.items():
        if needed and field not in spans:
            line, where = at("evidence")
            out.append(
                issue(
                    "GE510",
                    display,
                    line,
                    where,
                    expected=f"a span of field {field}",
                    actual=", ".join(sorted(spans)),
                    needed=field,
                )
            )
    for j, ev in enumerate(event.evidence):
        field = str(ev.field)
        allowed = coded.get(field, True) or optional_span(row, field)
        if not allowed:
            line, where = at("evidence", j, "field")
            out.append(
                issue(
                    "GE511",
                    display,
                    line,
                    where,
                    expected=f"a coded {field}",
                    actual=field,
                    span_field=field,
                )
            )
    tod = event.date.time_of_day
    if tod is not None and "time_of_day" in spans:
        quotes = [e.quote for e in event.evidence if e.field == "time_of_day"]
        if not any(tod in q for q in quotes):
            line, where = at("date", "time_of_day")
            out.append(
                issue(
                    "GE512",
                    display,
                    line,
                    where,
                    expected="words of a time_of_day span",
                    actual=tod,
                    value=tod,
                )
            )
    out += _date_issues(display, event, at, published)
    for j, p in enumerate(event.participants):
        if p.role in DERIVED_ROLES:
            line, where = at("participants", j, "role")
            out.append(
                issue(
                    "GE417",
                    display,
                    line,
                    where,
                    expected="a role written by hand",
                    actual=str(p.role),
                    actor=p.actor_id,
                    role=str(p.role),
                    source=DERIVED_ROLES[p.role],
                )
            )
    out += _note_issues(display, event, at)
    return out


def date_problem(
    start: dt.date,
    end: dt.date,
    basis: str | None,
    quotes: Iterable[str],
    published: dt.date,
) -> tuple[str, str, str, str, dict[str, Any]] | None:
    """GE513 for one event's date and the quotes of its date spans, in order: (the date column it
    points at, expected, actual, variant, params), or None when the date fits its words."""
    if end < start:  # the order is GE401's
        return None
    for quote in quotes:
        if (resolved := resolve_date(quote, published)) is None:
            continue
        weekday = not _SINCE.search(quote) and not _YEAR.search(quote)
        if not _date_fits(start, end, resolved, weekday):
            shown = str(resolved[0]) if weekday else f"{resolved[0]} .. {resolved[1]}"
            params = {"quote": quote, "resolved": shown, "published": published}
            return "date_start", shown, f"{start} .. {end}", "", params
    if basis == DateBasis.RELATIVE_TO_PUBLICATION and end > published:
        return "date_end", f"on or before {published}", str(end), "after", {"published": published}
    return None


def _date_issues(
    display: str,
    event: Event,
    at: Callable[..., tuple[int | None, str]],
    published: dt.date | None,
) -> list[Issue]:
    if published is None:
        return []
    quotes = [ev.quote for ev in event.evidence if ev.field == "date"]
    found = date_problem(event.date.start, event.date.end, event.date.basis, quotes, published)
    if found is None:
        return []
    column, expected, actual, variant, params = found
    line, where = at("date", "start" if column == "date_start" else "end")
    return [
        issue(
            "GE513",
            display,
            line,
            where,
            expected=expected,
            actual=actual,
            variant=variant,
            **params,
        )
    ]


def _note_issues(
    display: str, event: Event, at: Callable[..., tuple[int | None, str]]
) -> list[Issue]:
    out = []
    if event.location is not None and not event.location.note:
        line, where = at("location")
        out.append(
            issue(
                "GE416",
                display,
                line,
                f"{where}.note",
                expected="a note",
                why="which gazetteer and why this precision",
            )
        )
    if event.date.basis == DateBasis.EXTERNAL and not event.date.note:
        line, where = at("date")
        out.append(
            issue(
                "GE416",
                display,
                line,
                f"{where}.note",
                expected="a note",
                why="where the external date comes from",
            )
        )
    return out


def first_event_span(event: Event) -> int | None:
    """Where the event is first reported in the text: the earliest start of its event spans."""
    return min((e.start for e in event.evidence if e.field == "event"), default=None)


def wanted_ids(doc_id: str, ids: list[str], starts: list[int | None]) -> list[str]:
    """The id each event of a document should have, given its id and where its first event span
    starts (None: it has none): '<doc_id>-eNN' numbered from e01 in the order of those starts
    (ties in listed order); while some event has no span, only the shape of each id is judged."""
    if None not in starts:
        ranked = sorted(range(len(ids)), key=lambda i: (starts[i], i))
        wanted = {i: f"{doc_id}-e{rank + 1:02d}" for rank, i in enumerate(ranked)}
        return [wanted[i] for i in range(len(ids))]
    pattern = re.compile(re.escape(doc_id) + r"-e\d{2,}")
    return [i if pattern.fullmatch(i) else f"{doc_id}-eNN" for i in ids]


def id_order_issues(
    display: str, doc_id: str, placed: list[Placed], locate: Locate, complete: bool
) -> list[Issue]:
    """GE605 for the events of a file; the order is judged only when `complete` (every event
    well-formed) and every event has a span."""
    ids = [p.event.event_id for p in placed]
    starts = [first_event_span(p.event) if complete else None for p in placed]
    wanted = wanted_ids(doc_id, ids, starts)
    out = []
    for i, p in enumerate(placed):
        if ids[i] != wanted[i] and ids.count(ids[i]) == 1:  # a repeated id is GE601's
            line, where = locate((*p.loc, "event_id"))
            out.append(
                issue(
                    "GE605",
                    display,
                    line,
                    where,
                    expected=wanted[i],
                    actual=ids[i],
                    wanted=wanted[i],
                )
            )
    return out
