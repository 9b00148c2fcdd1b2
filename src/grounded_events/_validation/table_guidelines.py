"""The coding guidelines that need several tables, joined by id one hash bucket at a time.

An annotation file holds an event with its participants and evidence; a data package splits
them over `events`, `event_actors`, `evidence`, `documents` and `actors`. The rules of
ANNOTATING.md that read an event together with its spans (GE510-GE513), the order of a
document's event ids (GE605) and actors no event uses (GE603)
are checked here on tables: while each table is read, the columns these rules need go into
hash-bucketed stores (`keysets.Buckets`, on disk past a size), and when every table is read the
stores are joined one bucket at a time, so memory does not grow with the rows. Both engines feed
the stores: the columnar engine through `coded_columns` (whole columns), the row-wise engine
through `guidelines.coded_row` (one row), two readings of one rule that
tests/test_table_guidelines.py cross-checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from grounded_events._schema.vocab import AttributionStatus, DateBasis, EventType
from grounded_events._validation.arrays import known
from grounded_events._validation.guidelines import (
    ATTRIBUTION,
    DECIDED_BY,
    NOT_FOR_STATEMENTS,
    ROLE_FIELDS,
    coded_row,
    date_problem,
    optional_span,
    resolve_pattern,
    wanted_ids,
)
from grounded_events._validation.keysets import BUCKETS, Buckets

Cols = dict[str, pa.Array]
# Whether a line of a table that could not be read may hold an id (Context.maybe_unread).
Lost = Callable[[str, str], bool]

# The fields participants code, by role (the attributor is derived: not written, not judged).
ROLE_OF_FIELD = {field: str(role) for role, field in ROLE_FIELDS.items()}
# The column of the `events` table that an issue about a field's evidence points at.
COLUMN_OF = {
    "event": "event_id",
    "date": "date_start",
    "time_of_day": "time_of_day",
    "location": "location_name",
    "weapons": "weapons",
    "attribution": ATTRIBUTION,
    "fatalities": "fatalities_best",
    "injuries": "injuries_best",
    "aggregate": "is_aggregate",
    "statement": "event_type",
    "munitions": "munitions_best",
    "attacks": "attacks_best",
    "damage": "damage",
    "claim": "claim_status",
    **dict.fromkeys(ROLE_OF_FIELD, "event_id"),
}
# The tables each reported table's rules read (besides itself).
READS = {
    "events": ("evidence", "event_actors", "documents"),
    "evidence": ("events", "event_actors"),
    "actors": ("event_actors",),
}

# The columns of each table that the rules read.
NEEDED = {
    "events": (
        "event_id",
        "doc_id",
        "time_of_day",
        "date_start",
        "date_end",
        "date_basis",
    ),
    "event_actors": ("event_id", "role", "actor_id"),
    "evidence": ("event_id", "field", "start", "quote"),
    "actors": ("actor_id", "parent_actor_id"),
    "documents": ("doc_id", "published_date"),
}

_FIELDS = pa.list_(pa.string())
_EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("line", pa.int64()),
        ("doc_id", pa.string()),
        ("needs", _FIELDS),
        ("forbids", _FIELDS),
        ("time_of_day", pa.string()),
        ("date_start", pa.date32()),
        ("date_end", pa.date32()),
        ("date_basis", pa.string()),
    ]
)
_ROLES = pa.schema([("event_id", pa.string()), ("field", pa.string())])
_SPANS = pa.schema(
    [
        ("event_id", pa.string()),
        ("line", pa.int64()),
        ("field", pa.string()),
        ("start", pa.int64()),
        ("quote", pa.string()),
    ]
)
_ACTORS = pa.schema([("actor_id", pa.string()), ("line", pa.int64())])
_USES = pa.schema([("actor_id", pa.string()), ("participant", pa.bool_())])
# each event's first event span, bucketed by document for the order of its ids
_ORDER = pa.schema(
    [
        ("doc_id", pa.string()),
        ("event_id", pa.string()),
        ("line", pa.int64()),
        ("first", pa.int64()),
        ("repeated", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Found:
    """One guideline issue of a table row, for that table's checker to report."""

    table: str
    line: int
    column: str
    code: str
    expected: str
    actual: Any
    variant: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


# --- which fields an events row codes: the columnar reading of guidelines.coded_row ----------


def _equal(values: pa.Array, code: str) -> pa.Array:
    return known(pc.equal(values, code))


def coded_columns(typed: Cols) -> dict[str, pa.Array]:
    """`guidelines.coded_row` over whole columns: per evidence field (roles aside), a boolean per
    row, True where the row codes the field (nulls read as the row reading reads None)."""

    n = len(typed["event_id"])

    def given(column: str) -> pa.Array:
        # a table of schema 1.0.0 has no column for the values 2.0.0 added
        return pc.is_valid(typed[column]) if column in typed else pa.repeat(False, n)

    def any_of(columns: tuple[str, ...]) -> pa.Array:
        return _any([given(c) for c in columns])

    attribution = typed[ATTRIBUTION]
    return {
        "event": pa.repeat(True, n),
        "date": pc.invert(_equal(typed["date_basis"], DateBasis.EXTERNAL)),
        "time_of_day": pc.is_valid(typed["time_of_day"]),
        "location": any_of(("location_name", "geo_precision")),
        "weapons": known(pc.greater(pc.list_value_length(typed["weapons"]), 0)),
        "attribution": pc.and_(
            pc.is_valid(attribution),
            pc.invert(_equal(attribution, AttributionStatus.UNATTRIBUTED)),
        ),
        "fatalities": any_of(DECIDED_BY["fatalities"][1:]),
        "injuries": any_of(DECIDED_BY["injuries"][1:]),
        "aggregate": known(typed["is_aggregate"]),
        "statement": _equal(typed["event_type"], EventType.STATEMENT),
        "munitions": any_of(DECIDED_BY["munitions"]),
        "attacks": any_of(DECIDED_BY["attacks"]),
        "damage": given("damage"),
        "claim": given("claim_status"),
    }


def _any(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.or_(out, mask)
    return out


def _lists(masks: dict[str, np.ndarray]) -> pa.Array:
    """A list of field names per row: those whose mask is true there, in the masks' order."""
    names = list(masks)
    matrix = np.column_stack([masks[name] for name in names])
    _, columns = np.nonzero(matrix)  # row-major: each row's fields in order
    offsets = np.concatenate([[0], np.cumsum(matrix.sum(axis=1))]).astype(np.int32)
    values = pa.array(names, pa.string()).take(pa.array(columns, pa.int64()))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def needs_and_forbids(typed: Cols, invalid: Mapping[str, pa.Array]) -> tuple[pa.Array, pa.Array]:
    """The columnar engine's events rows: the fields each needs a span of, and those it forbids."""
    coded = coded_columns(typed)
    statement = coded["statement"]
    attribution_given = pc.is_valid(typed[ATTRIBUTION])
    needs: dict[str, np.ndarray] = {}
    forbids: dict[str, np.ndarray] = {}
    for name, mask in coded.items():
        judged = pa.repeat(True, len(mask))
        for column in DECIDED_BY[name]:
            if column in invalid:
                judged = pc.and_(judged, pc.invert(known(invalid[column])))
        if name in NOT_FOR_STATEMENTS:  # a statement coding these is GE413's error
            coding = pc.or_(mask, attribution_given) if name == "attribution" else mask
            judged = pc.and_(judged, pc.invert(pc.and_(statement, coding)))
        optional = (
            attribution_given if name == "attribution" else pa.repeat(name == "date", len(mask))
        )
        needs[name] = pc.and_(judged, mask).to_numpy(zero_copy_only=False)
        forbids[name] = pc.and_(judged, pc.and_(pc.invert(mask), pc.invert(optional))).to_numpy(
            zero_copy_only=False
        )
    return _lists(needs), _lists(forbids)


def row_needs_and_forbids(
    row: Mapping[str, Any], unreadable: set[str]
) -> tuple[list[str], list[str]]:
    """The row-wise engine's events row: the fields it needs a span of, and those it forbids."""
    needs, forbids = [], []
    for name, coded in coded_row(row).items():
        if name in ROLE_OF_FIELD or any(c in unreadable for c in DECIDED_BY[name]):
            continue
        if coded:
            needs.append(name)
        elif not optional_span(row, name):
            forbids.append(name)
    return needs, forbids


# --- the stores, fed table by table ----------------------------------------------------------


@dataclass
class TableGuides:
    """What the multi-table rules keep of each table while it is read, and the join at the end."""

    reported: set[str] = field(default_factory=set)  # the tables whose issues are reported
    present: set[str] = field(default_factory=set)  # the tables there are to read
    stores: dict[str, Buckets] = field(default_factory=dict)
    published: dict[str, dt.date] = field(default_factory=dict)  # doc_id -> publication date
    fed: set[str] = field(default_factory=set)  # the tables that were read

    def __post_init__(self) -> None:
        # which joins this run can make: nothing is kept for a join whose tables are not there
        self.spans = {"events", "evidence"} <= self.present and bool(
            self.reported & {"events", "evidence"}
        )
        self.actors = {"actors", "event_actors"} <= self.present and "actors" in self.reported

    def keeps(self, table: str) -> bool:
        """Whether some rule this run can judge reads `table`."""
        return {
            "events": self.spans,
            "evidence": self.spans,
            "documents": self.spans,
            "event_actors": self.spans or self.actors,
            "actors": self.actors,
        }.get(table, False)

    def _store(self, name: str, schema: pa.Schema) -> Buckets:
        if name not in self.stores:
            self.stores[name] = Buckets(schema=schema)
        return self.stores[name]

    def add(
        self,
        table: str,
        lines: pa.Array,
        typed: Cols,
        invalid: Mapping[str, pa.Array] | None = None,
        coded: tuple[pa.Array, pa.Array] | None = None,
    ) -> None:
        """Keep what the rules need of one batch of `table`: its typed columns (bad cells null)
        and either `invalid` (the columnar engine: which cells broke a rule) or `coded` (the
        row-wise engine: each events row's needs and forbids, read row by row)."""
        if not self.keeps(table):
            return
        self.fed.add(table)
        if table == "events":
            if self.spans:
                if coded is None:
                    assert invalid is not None
                    coded = needs_and_forbids(typed, invalid)
                self._events(lines, typed, *coded)
        elif table == "event_actors":
            self._event_actors(typed)
        elif table == "evidence":
            self._evidence(lines, typed)
        elif table == "actors":
            self._actors(lines, typed)
        elif table == "documents":
            for doc_id, day in zip(
                typed["doc_id"].to_pylist(), typed["published_date"].to_pylist(), strict=True
            ):
                if doc_id is not None and day is not None:
                    self.published[doc_id] = day

    def add_rows(
        self,
        table: str,
        rows: Sequence[tuple[int, Mapping[str, Any], set[str]]],
        types: Mapping[str, pa.DataType],
    ) -> None:
        """`add` for the row-wise engine: (line, typed cells, unreadable columns) per row."""
        if table not in NEEDED or not self.keeps(table):
            return
        lines = pa.array([line for line, _, _ in rows], pa.int64())
        typed = {c: pa.array([row[c] for _, row, _ in rows], types[c]) for c in NEEDED[table]}
        coded = None
        if table == "events" and self.spans:
            pairs = [row_needs_and_forbids(row, bad) for _, row, bad in rows]
            coded = (
                pa.array([p[0] for p in pairs], _FIELDS),
                pa.array([p[1] for p in pairs], _FIELDS),
            )
        self.add(table, lines, typed, coded=coded)

    def _events(self, lines: pa.Array, typed: Cols, needs: pa.Array, forbids: pa.Array) -> None:
        keep = pc.is_valid(typed["event_id"])
        columns = [
            typed["event_id"],
            lines,
            typed["doc_id"],
            needs,
            forbids,
            typed["time_of_day"],
            typed["date_start"],
            typed["date_end"],
            typed["date_basis"].cast(pa.string()),
        ]
        rows = pa.record_batch(
            [c.cast(t) for c, t in zip(columns, _EVENTS.types, strict=True)], schema=_EVENTS
        )
        self._store("events", _EVENTS).add_rows(rows.filter(keep))

    def _event_actors(self, typed: Cols) -> None:
        role = typed["role"].cast(pa.string())
        written = pc.is_in(role, value_set=pa.array(list(ROLE_OF_FIELD.values())))
        keep = pc.and_(known(written), pc.is_valid(typed["event_id"]))
        rows = pa.record_batch([typed["event_id"], role], schema=_ROLES)  # a role names its field
        self._store("roles", _ROLES).add_rows(rows.filter(keep))
        actor = typed["actor_id"]
        uses = pa.record_batch([actor, pa.repeat(True, len(actor))], schema=_USES)
        self._store("uses", _USES).add_rows(uses.filter(pc.is_valid(actor)))

    def _evidence(self, lines: pa.Array, typed: Cols) -> None:
        spans_field = typed["field"].cast(pa.string())
        quoted = pc.is_in(spans_field, value_set=pa.array(["date", "time_of_day"]))
        quote = pc.if_else(known(quoted), typed["quote"], pa.scalar(None, pa.string()))
        rows = pa.record_batch(
            [typed["event_id"], lines, spans_field, typed["start"].cast(pa.int64()), quote],
            schema=_SPANS,
        )
        keep = pc.and_(pc.is_valid(typed["event_id"]), pc.is_valid(spans_field))
        self._store("spans", _SPANS).add_rows(rows.filter(keep))

    def _actors(self, lines: pa.Array, typed: Cols) -> None:
        actor = typed["actor_id"]
        rows = pa.record_batch([actor, lines], schema=_ACTORS)
        self._store("actors", _ACTORS).add_rows(rows.filter(pc.is_valid(actor)))
        parent = typed["parent_actor_id"]
        uses = pa.record_batch([parent, pa.repeat(False, len(parent))], schema=_USES)
        self._store("uses", _USES).add_rows(uses.filter(pc.is_valid(parent)))

    # -- the join ----------------------------------------------------------------------------
    def finish(
        self, readable: set[str], lost: Lost = lambda table, value: False
    ) -> Iterator[Found]:
        """Every guideline issue of the reported tables, judged only with tables that were
        read whole (`readable`): a rule whose tables are not all there is not judged, nor one
        that a line which could not be read may hold the answer to (`lost(table, id)`). The
        stores, and their files on disk, are gone once every issue is given."""
        reported = self.reported
        have = readable & self.fed
        try:
            for store in self.stores.values():
                store.close()
            if {"events", "evidence"} <= have and reported & {"events", "evidence"}:
                yield from self._spans(reported, "event_actors" in have, "documents" in have, lost)
            if {"actors", "event_actors"} <= have and "actors" in reported:
                yield from self._unused_actors(lost)
        finally:
            self.stores.clear()

    def bucket(self, name: str, schema: pa.Schema, b: int) -> pa.Table:
        """Bucket `b` of one store (empty when nothing was kept in it)."""
        store = self.stores.get(name)
        return store.bucket(b) if store is not None else schema.empty_table()

    def _spans(self, reported: set[str], roles: bool, dates: bool, lost: Lost) -> Iterator[Found]:
        order = Buckets(schema=_ORDER)
        for b in range(BUCKETS):
            events = self.bucket("events", _EVENTS, b)
            spans = self.bucket("spans", _SPANS, b)
            written = self.bucket("roles", _ROLES, b) if roles else None
            unique, repeated = _unique(events)
            order.add_rows(_firsts(events, repeated, spans))
            events = unique
            if "events" in reported:
                yield from _missing(events, spans, written, lost)
                yield from _time_of_day(events, spans, lost)
                if dates:
                    yield from _dates(events, spans, self.published)
            if "evidence" in reported:
                yield from _unsupported(events, spans, written, lost)
        if "events" in reported:
            order.close()
            for b in range(order.count):
                yield from _id_order(order.bucket(b), lost)

    def _unused_actors(self, lost: Lost) -> Iterator[Found]:
        unused: list[Found] = []
        for b in range(BUCKETS):
            actors = self.bucket("actors", _ACTORS, b)
            uses = self.bucket("uses", _USES, b)
            declared = actors.column("actor_id").combine_chunks()
            used = uses.column("actor_id").combine_chunks()
            participants = pc.filter(used, uses.column("participant").combine_chunks())
            if not pc.all(pc.is_in(participants, value_set=declared)).as_py() and len(participants):
                return  # an undeclared actor is used (GE602): most likely a declared one mistyped
            idle = pc.invert(pc.is_in(declared, value_set=used))
            for actor, line in zip(
                pc.filter(declared, idle).to_pylist(),
                pc.filter(actors.column("line").combine_chunks(), idle).to_pylist(),
                strict=True,
            ):
                if lost("event_actors", actor) or lost("actors", actor):
                    continue  # a line that could not be read may use it
                unused.append(
                    Found(
                        "actors",
                        line,
                        "actor_id",
                        "GE603",
                        "an actor some event uses",
                        actor,
                        params={"actor": actor},
                    )
                )
        yield from unused


def _unique(events: pa.Table) -> tuple[pa.Table, set[str]]:
    """The events whose id is used once, and the ids used more than once (GE601's)."""
    ids = events.column("event_id").combine_chunks()
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if not len(repeated):
        return events, set()
    return events.filter(pc.invert(pc.is_in(ids, value_set=repeated))), set(repeated.to_pylist())


def _pairs(events: pa.Table, column: str) -> pa.Table:
    """(event_id, field, line) for every field listed in an events list column."""
    lists = events.column(column).combine_chunks()
    parents = pc.list_parent_indices(lists)
    return pa.table(
        {
            "event_id": pc.take(events.column("event_id"), parents),
            "field": pc.list_flatten(lists),
            "line": pc.take(events.column("line"), parents),
        }
    )


def _role_pairs(events: pa.Table, written: pa.Table) -> pa.Table:
    """(event_id, field, line) for each written role of an event of `events`."""
    known_ids = written.filter(
        pc.is_in(written.column("event_id"), value_set=events.column("event_id").combine_chunks())
    )
    return (
        known_ids.group_by(["event_id", "field"])
        .aggregate([])
        .join(events.select(["event_id", "line"]), keys="event_id")
    )


def _missing(
    events: pa.Table, spans: pa.Table, written: pa.Table | None, lost: Lost
) -> Iterator[Found]:
    """GE510: a coded value without a span of its field (unless a lost line may hold it)."""
    needed = _pairs(events, "needs")
    if written is not None:
        needed = pa.concat_tables(
            [needed, _role_pairs(events, written).select(needed.column_names)]
        )
    if not needed.num_rows:
        return
    have = spans.select(["event_id", "field"]).group_by(["event_id", "field"]).aggregate([])
    lacking = needed.join(have, keys=["event_id", "field"], join_type="left anti")
    if not lacking.num_rows:
        return
    listed = have.group_by("event_id").aggregate([("field", "list")])
    shown = {
        event_id: ", ".join(sorted(fields))
        for event_id, fields in zip(
            listed.column("event_id").to_pylist(),
            listed.column("field_list").to_pylist(),
            strict=True,
        )
    }
    for event_id, name, line in zip(
        *(lacking.column(c).to_pylist() for c in ("event_id", "field", "line")), strict=True
    ):
        if lost("evidence", event_id) or (name in ROLE_OF_FIELD and lost("event_actors", event_id)):
            continue
        yield Found(
            "events",
            line,
            COLUMN_OF[name],
            "GE510",
            f"a span of field {name}",
            shown.get(event_id, ""),
            params={"needed": name},
        )


def _unsupported(
    events: pa.Table, spans: pa.Table, written: pa.Table | None, lost: Lost
) -> Iterator[Found]:
    """GE511: a span of a field its event does not code (a role's, unless a lost line of
    event_actors may hold the participant)."""
    ids = events.column("event_id").combine_chunks()
    spans = spans.filter(pc.is_in(spans.column("event_id"), value_set=ids))
    forbidden = _pairs(events, "forbids").select(["event_id", "field"])
    bad = spans.join(forbidden, keys=["event_id", "field"], join_type="left semi")
    if written is not None:  # a role field no participant of the event has
        role_spans = spans.filter(
            pc.is_in(spans.column("field"), value_set=pa.array(list(ROLE_OF_FIELD)))
        )
        roles = written.group_by(["event_id", "field"]).aggregate([])
        bad = pa.concat_tables(
            [bad, role_spans.join(roles, keys=["event_id", "field"], join_type="left anti")]
        )
    for line, name, event_id in zip(
        *(bad.column(c).to_pylist() for c in ("line", "field", "event_id")), strict=True
    ):
        if name in ROLE_OF_FIELD and lost("event_actors", event_id):
            continue
        yield Found(
            "evidence", line, "field", "GE511", f"a coded {name}", name, params={"span_field": name}
        )


def _quotes(spans: pa.Table, name: str) -> dict[str, list[str]]:
    """event_id -> the quotes of its spans of field `name`, in table order."""
    picked = spans.filter(known(pc.equal(spans.column("field"), name)))
    picked = picked.sort_by("line")
    out: dict[str, list[str]] = {}
    for event_id, quote in zip(
        picked.column("event_id").to_pylist(), picked.column("quote").to_pylist(), strict=True
    ):
        if quote is not None:
            out.setdefault(event_id, []).append(quote)
    return out


def _time_of_day(events: pa.Table, spans: pa.Table, lost: Lost) -> Iterator[Found]:
    """GE512: time_of_day is not the words of one of its time_of_day spans."""
    timed = events.filter(pc.is_valid(events.column("time_of_day")))
    if not timed.num_rows:
        return
    quotes = _quotes(spans, "time_of_day")
    for event_id, line, tod in zip(
        *(timed.column(c).to_pylist() for c in ("event_id", "line", "time_of_day")), strict=True
    ):
        said = quotes.get(event_id)
        if said and not any(tod in q for q in said) and not lost("evidence", event_id):
            yield Found(
                "events",
                line,
                "time_of_day",
                "GE512",
                "words of a time_of_day span",
                tod,
                params={"value": tod},
            )


def _dates(events: pa.Table, spans: pa.Table, published: dict[str, dt.date]) -> Iterator[Found]:
    """GE513: a date that its date span's words, or the publication date, contradict."""
    if not published or not events.num_rows:
        return
    dated = spans.filter(known(pc.match_substring_regex(spans.column("quote"), resolve_pattern())))
    quotes = _quotes(dated, "date")
    docs = pa.array(list(published), pa.string())
    days = pa.array(list(published.values()), pa.date32())
    day = pc.take(days, pc.index_in(events.column("doc_id"), value_set=docs))
    after = known(
        pc.and_(
            pc.equal(events.column("date_basis"), DateBasis.RELATIVE_TO_PUBLICATION),
            pc.greater(events.column("date_end"), day),
        )
    )
    candidates = pc.or_(
        after, pc.is_in(events.column("event_id"), value_set=pa.array(list(quotes), pa.string()))
    )
    picked = events.filter(pc.and_(known(candidates), pc.is_valid(day)))
    day = pc.filter(day, pc.and_(known(candidates), pc.is_valid(day)))
    columns = ("event_id", "line", "date_start", "date_end", "date_basis")
    for (event_id, line, start, end, basis), when in zip(
        zip(*(picked.column(c).to_pylist() for c in columns), strict=True),
        day.to_pylist(),
        strict=True,
    ):
        if start is None or end is None:
            continue
        found = date_problem(start, end, basis, quotes.get(event_id, []), when)
        if found is not None:
            column, expected, actual, variant, params = found
            yield Found("events", line, column, "GE513", expected, actual, variant, params)


def _firsts(events: pa.Table, repeated: set[str], spans: pa.Table) -> pa.RecordBatch:
    """Each event's doc_id, id, line and the start of its first event span, for GE605."""
    firsts = spans.filter(known(pc.equal(spans.column("field"), "event")))
    firsts = firsts.group_by("event_id").aggregate([("start", "min")])
    # the events whose id is repeated are ranked too, and not reported (GE601's)
    ids = events.column("event_id").combine_chunks()
    first = pc.take(
        firsts.column("start_min"),
        pc.index_in(ids, value_set=firsts.column("event_id").combine_chunks()),
    )
    return pa.record_batch(
        [
            events.column("doc_id").combine_chunks(),
            ids,
            events.column("line").combine_chunks(),
            first.combine_chunks() if isinstance(first, pa.ChunkedArray) else first,
            pc.is_in(ids, value_set=pa.array(sorted(repeated), pa.string())),
        ],
        schema=_ORDER,
    )


def _id_order(rows: pa.Table, lost: Lost) -> Iterator[Found]:
    """GE605: event ids numbered from e01 in the order of each first event span; only their
    shape when a lost line may hold an event of the document or one of its event spans."""
    documents: dict[str, list[tuple[int, str, int | None, bool]]] = {}
    columns = ("doc_id", "line", "event_id", "first", "repeated")
    for doc_id, line, event_id, first, repeated in zip(
        *(rows.column(c).to_pylist() for c in columns), strict=True
    ):
        if doc_id is not None:
            documents.setdefault(doc_id, []).append((line, event_id, first, repeated))
    for doc_id, events in documents.items():
        events.sort()
        ids = [e[1] for e in events]
        whole = not lost("events", doc_id) and not any(lost("evidence", i) for i in ids)
        starts = [e[2] if whole else None for e in events]
        for line, event_id, wanted, repeated in zip(
            (e[0] for e in events),
            ids,
            wanted_ids(doc_id, ids, starts),
            (e[3] for e in events),
            strict=True,
        ):
            if event_id != wanted and not repeated:
                yield Found(
                    "events", line, "event_id", "GE605", wanted, event_id, params={"wanted": wanted}
                )
