"""The cross-field rules: each one defined once, its row form and its vectorised form side by side."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from grounded_events._schema.models import FatalitySplit
from grounded_events._schema.tables import COUNTS, count_columns
from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CROSSWALK,
    CROSSWALK_COLUMNS,
    ClaimStatus,
)
from grounded_events._validation.arrays import false, known

Row = dict[str, Any]  # one row's typed cells, for the row-wise engine
Cols = dict[str, pa.Array]  # a batch's typed columns, for the columnar engine


@dataclass(frozen=True)
class CrossRule:
    """A rule over several fields of one row. `row` says whether it holds on one row (the
    row-wise engine); `vector` where it fails over whole columns (the columnar engine): two
    readings of one rule, cross-checked by tests/test_validation_hypothesis.py."""

    name: str
    code: str
    table: str
    field: str  # the column an error points at
    columns: tuple[str, ...]  # the columns it reads
    expected: str
    row: Callable[[Row], bool] = dataclass_field(repr=False)
    vector: Callable[[Cols], pa.Array] = dataclass_field(repr=False)


def _ordered(*values: Any) -> bool:
    present = [v for v in values if v is not None]
    return all(a <= b for a, b in itertools.pairwise(present))


# --- vocabulary: the subtype decides the type and the crosswalks -----------------------------

_SUBTYPES = pa.array([str(s) for s in CROSSWALK])


def _v(value: Any) -> str | None:
    return None if value is None else str(value)


@cache
def _crosswalk_column(attribute: str) -> pa.Array:
    return pa.array([_v(getattr(cw, attribute)) for cw in CROSSWALK.values()], pa.string())


def _crosswalk(cols: Cols, attribute: str) -> pa.Array:
    index = pc.index_in(cols["event_subtype"], value_set=_SUBTYPES)
    return pc.take(_crosswalk_column(attribute), index)


def _same(a: pa.Array, b: pa.Array) -> pa.Array:
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(known(pc.equal(a, b)), both_null)


def _crosswalk_value(subtype: str | None, column: str) -> Any:
    cw = CROSSWALK.get(subtype) if subtype else None  # type: ignore[call-overload]
    return getattr(cw, column) if cw else None


def _subtype_type(r: Row) -> bool:
    cw = CROSSWALK.get(r["event_subtype"]) if r.get("event_subtype") else None
    return cw is None or r.get("event_type") is None or cw.event_type == r["event_type"]


def _subtype_type_fails(cols: Cols) -> pa.Array:
    expected = _crosswalk(cols, "event_type")
    return pc.not_equal(expected, cols["event_type"])


def _acled_pair(r: Row) -> bool:
    kind, sub = r.get("acled_event_type"), r.get("acled_sub_event_type")
    if kind is None and sub is None:
        return True
    if kind not in ACLED_EVENT_TYPES:
        return False
    return sub is None or sub in ACLED_EVENT_TYPES[kind]


def _acled_pair_fails(cols: Cols) -> pa.Array:
    kind, sub = cols["acled_event_type"], cols["acled_sub_event_type"]
    pairs = pa.array([f"{k}\x1f{s}" for k, subs in ACLED_EVENT_TYPES.items() for s in subs])
    kind_ok = pc.is_in(kind, value_set=pa.array(list(ACLED_EVENT_TYPES)))
    pair_ok = pc.is_in(pc.binary_join_element_wise(kind, sub, "\x1f"), value_set=pairs)
    any_given = pc.or_(pc.is_valid(kind), pc.is_valid(sub))
    pair_bad = pc.and_(pc.is_valid(sub), pc.invert(pair_ok))
    return pc.and_(any_given, pc.or_(pc.invert(kind_ok), pair_bad))


def _crosswalk_rule(column: str) -> CrossRule:
    def holds(r: Row) -> bool:
        if r.get("event_subtype") not in CROSSWALK:
            return True
        return bool(r.get(column) == _crosswalk_value(r["event_subtype"], column))

    def fails(cols: Cols) -> pa.Array:
        is_known = pc.is_in(cols["event_subtype"], value_set=_SUBTYPES)
        return pc.and_(is_known, pc.invert(_same(_crosswalk(cols, column), cols[column])))

    return CrossRule(
        f"crosswalk_{column}",
        "GE307",
        "events",
        column,
        ("event_subtype", column),
        f"the {column} of the event_subtype in the crosswalk",
        holds,
        fails,
    )


# --- dates -----------------------------------------------------------------------------------


def _last_day(d: dt.date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def _precision_holds(r: Row) -> bool:
    start, end, precision = r["date_start"], r["date_end"], r["date_precision"]
    if start is None or end is None or end < start:
        return True
    span = (end - start).days
    if precision == "day":
        return bool(span == 0)
    if precision == "days":
        return bool(1 <= span <= 5)
    if precision == "week":
        return bool(span == 6)
    if precision == "month":
        return (
            start.day == 1 and (end.year, end.month) == (start.year, start.month)
        ) and end.day == _last_day(end)
    if precision == "year":
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
            start.year == end.year
        )
    if precision == "range":
        return bool(span >= 7)
    return True


def _as_int(dates: pa.Array) -> pa.Array:
    return dates.cast(pa.int32())


def _precision_fails(cols: Cols) -> pa.Array:
    start, end, precision = cols["date_start"], cols["date_end"], cols["date_precision"]
    span = pc.subtract(_as_int(end), _as_int(start))
    day_after_end = pc.add(_as_int(end), 1).cast(pa.int32()).cast(pa.date32())
    same_month = pc.and_(
        pc.equal(pc.year(start), pc.year(end)), pc.equal(pc.month(start), pc.month(end))
    )
    fits = {
        "day": pc.equal(span, 0),
        "days": pc.and_(pc.greater_equal(span, 1), pc.less_equal(span, 5)),
        "week": pc.equal(span, 6),
        "month": pc.and_(
            pc.and_(pc.equal(pc.day(start), 1), same_month), pc.equal(pc.day(day_after_end), 1)
        ),
        "year": pc.and_(
            pc.and_(pc.equal(pc.year(start), pc.year(end)), pc.equal(pc.day_of_year(start), 1)),
            pc.and_(pc.equal(pc.month(end), 12), pc.equal(pc.day(end), 31)),
        ),
        "range": pc.greater_equal(span, 7),
    }
    bad = false(len(start))
    for name, ok in fits.items():
        bad = pc.or_(bad, pc.and_(pc.equal(precision, name), pc.invert(ok)))
    return pc.and_(pc.greater_equal(end, start), bad)


# --- counts ----------------------------------------------------------------------------------


def _count_rules(prefix: str) -> list[CrossRule]:
    best, low, high = count_columns(prefix)  # in the order of the models' Outcome fields
    return [
        CrossRule(
            f"{prefix}_low_best",
            "GE403",
            "events",
            low,
            (low, best),
            f"{low} <= {best}",
            lambda r: _ordered(r.get(low), r.get(best)),
            lambda cols: pc.greater(cols[low], cols[best]),
        ),
        CrossRule(
            f"{prefix}_best_high",
            "GE403",
            "events",
            high,
            (best, high),
            f"{best} <= {high}",
            lambda r: _ordered(r.get(best), r.get(high)),
            lambda cols: pc.greater(cols[best], cols[high]),
        ),
        CrossRule(
            f"{prefix}_low_high",
            "GE403",
            "events",
            high,
            (low, best, high),
            f"{low} <= {high}",
            # reported only when best is missing; otherwise the two rules above say it
            lambda r: r.get(best) is not None or _ordered(r.get(low), r.get(high)),
            lambda cols: pc.and_(pc.is_null(cols[best]), pc.greater(cols[low], cols[high])),
        ),
    ]


# --- what reports give: deaths by side, a series' attacks, claims ---------------------------

# The columns of fatalities_by_side, in the order of the model's fields.
_SIDES = tuple(f"fatalities_{side}" for side in FatalitySplit.model_fields)


def _split_total(r: Row) -> bool:
    parts: list[int | None] = [r.get(c) for c in _SIDES]
    if any(p is None for p in parts):
        return True
    return sum(p or 0 for p in parts) == r.get("fatalities_best")


def _sides_sum(cols: Cols) -> pa.Array:
    # counts are at most 10 million (models.Count): four of them add up without overflow
    total = pc.fill_null(cols[_SIDES[0]], 0)
    for column in _SIDES[1:]:
        total = pc.add(total, pc.fill_null(cols[column], 0))
    return total


def _split_total_fails(cols: Cols) -> pa.Array:
    all_given = pc.is_valid(cols[_SIDES[0]])
    for column in _SIDES[1:]:
        all_given = pc.and_(all_given, pc.is_valid(cols[column]))
    best = cols["fatalities_best"]
    differs = pc.or_(pc.is_null(best), known(pc.not_equal(_sides_sum(cols), best)))
    return pc.and_(all_given, differs)


# With all four parts given the total rule judges them (and GE403 orders best and high).
def _split_bound(r: Row) -> bool:
    parts = [r.get(c) for c in _SIDES]
    given = [p for p in parts if p is not None]
    bound = r.get("fatalities_high")
    if bound is None:
        bound = r.get("fatalities_best")
    return not given or len(given) == len(parts) or bound is None or sum(given) <= bound


def _split_bound_fails(cols: Cols) -> pa.Array:
    given = [pc.is_valid(cols[c]) for c in _SIDES]
    some, every = given[0], given[0]
    for mask in given[1:]:
        some, every = pc.or_(some, mask), pc.and_(every, mask)
    bound = pc.coalesce(cols["fatalities_high"], cols["fatalities_best"])
    over = known(pc.greater(_sides_sum(cols), bound))
    return pc.and_(pc.and_(some, pc.invert(every)), over)


# Claimed and denied name who claims or denies; no claim yet names nobody, nor does no claim.
_NAMING = (str(ClaimStatus.CLAIMED), str(ClaimStatus.DENIED))


def _claimants(cols: Cols) -> pa.Array:
    return pc.fill_null(pc.list_value_length(cols["claimed_by"]), 0)


def _attacks_given(cols: Cols) -> pa.Array:
    best, low, high = (pc.is_valid(cols[c]) for c in count_columns("attacks"))
    return pc.or_(pc.or_(best, low), high)


REPORT_RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "fatality_split_total",
        "GE418",
        "events",
        _SIDES[0],
        (*_SIDES, "fatalities_best"),
        "fatalities by side that sum to fatalities_best when all four are given",
        _split_total,
        _split_total_fails,
    ),
    CrossRule(
        "fatality_split_bound",
        "GE418",
        "events",
        _SIDES[0],
        (*_SIDES, "fatalities_best", "fatalities_high"),
        "fatalities by side that sum to at most fatalities_high (fatalities_best when "
        "fatalities_high is empty)",
        _split_bound,
        _split_bound_fails,
    ),
    CrossRule(
        "attacks_aggregate",
        "GE419",
        "events",
        "attacks_best",
        ("is_aggregate", *count_columns("attacks")),
        "attacks only on an aggregate (is_aggregate true)",
        lambda r: (
            r.get("is_aggregate") is True or all(r.get(c) is None for c in count_columns("attacks"))
        ),
        lambda cols: pc.and_(pc.invert(known(cols["is_aggregate"])), _attacks_given(cols)),
    ),
    CrossRule(
        "claim_by",
        "GE420",
        "events",
        "claimed_by",
        ("claim_status", "claimed_by"),
        "claimed_by naming who claims or denies for claimed and denied, and empty otherwise",
        lambda r: bool(r.get("claimed_by")) == (r.get("claim_status") in _NAMING),
        lambda cols: pc.xor(
            known(pc.is_in(cols["claim_status"], value_set=pa.array(_NAMING))),
            pc.greater(_claimants(cols), 0),
        ),
    ),
)


# --- places ----------------------------------------------------------------------------------

# Bounding-box tolerance in degrees: coordinates on a border or a coastline stay inside.
BBOX_TOLERANCE = 0.1


@cache
def country_boxes(alpha3: str) -> tuple[tuple[float, float, float, float], ...]:
    """Natural Earth bounding boxes (min lon, min lat, max lon, max lat) of a country's subunits."""
    import country_bounding_boxes as cbb

    try:
        return tuple(tuple(s.bbox) for s in cbb.country_subunits_by_iso_code(alpha3))
    except Exception:  # the library raises on codes it does not know: no box, no check
        return ()


@cache
def alpha2_to_alpha3() -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 for every country pycountry knows."""
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


@cache
def alpha3_to_alpha2() -> dict[str, str]:
    """ISO alpha-3 -> alpha-2 for every country pycountry knows."""
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def point_country(r: Row) -> str | None:
    """The country whose boxes the point must fall in: country_iso3, else admin1_code's prefix."""
    if r.get("country_iso3"):
        return str(r["country_iso3"])
    admin1 = r.get("admin1_code")
    return alpha2_to_alpha3().get(admin1[:2]) if admin1 else None


def _inside(r: Row) -> bool:
    lat, lon = r.get("latitude"), r.get("longitude")
    country = point_country(r)
    if lat is None or lon is None or country is None:
        return True
    boxes = country_boxes(country)
    if not boxes:
        return True
    t = BBOX_TOLERANCE
    return any(x0 - t <= lon <= x1 + t and y0 - t <= lat <= y1 + t for x0, y0, x1, y1 in boxes)


def _country_of_point(cols: Cols) -> pa.Array:
    a2 = alpha2_to_alpha3()
    from_admin1 = pc.take(
        pa.array(list(a2.values())),
        pc.index_in(
            pc.utf8_slice_codeunits(cols["admin1_code"], 0, 2), value_set=pa.array(list(a2))
        ),
    )
    return pc.coalesce(cols["country_iso3"], from_admin1)


def _outside_fails(cols: Cols) -> pa.Array:
    lat, lon = cols["latitude"], cols["longitude"]
    country = _country_of_point(cols)
    located = pc.and_(pc.and_(pc.is_valid(lat), pc.is_valid(lon)), pc.is_valid(country))
    bad = false(len(lat))
    t = BBOX_TOLERANCE
    for code in pc.unique(pc.filter(country, located)).to_pylist():
        boxes = country_boxes(code)
        if not boxes:
            continue
        inside = false(len(lat))
        for x0, y0, x1, y1 in boxes:
            box = pc.and_(
                pc.and_(pc.greater_equal(lon, x0 - t), pc.less_equal(lon, x1 + t)),
                pc.and_(pc.greater_equal(lat, y0 - t), pc.less_equal(lat, y1 + t)),
            )
            inside = pc.or_(inside, known(box))
        mine = pc.and_(located, known(pc.equal(country, code)))
        bad = pc.or_(bad, pc.and_(mine, pc.invert(inside)))
    return bad


def _admin1_agrees(r: Row) -> bool:
    admin1, country = r.get("admin1_code"), r.get("country_iso3")
    if not admin1 or not country or country not in alpha3_to_alpha2():
        return True
    return bool(admin1[:2] == alpha3_to_alpha2()[country])


def _admin1_fails(cols: Cols) -> pa.Array:
    a3 = alpha3_to_alpha2()
    expected = pc.take(
        pa.array(list(a3.values())), pc.index_in(cols["country_iso3"], value_set=pa.array(list(a3)))
    )
    return pc.not_equal(pc.utf8_slice_codeunits(cols["admin1_code"], 0, 2), expected)


# --- attribution -----------------------------------------------------------------------------


def _attributors(cols: Cols) -> pa.Array:
    return pc.fill_null(pc.list_value_length(cols["attributed_by"]), 0)


# --- the coding guidelines (ANNOTATING.md sections 6, 8, 9) on one events row ----------------

# Precisions of a place in several countries: no single country to code.
_NO_COUNTRY = ("multi_country", "international")
# Precisions coded to one point, which therefore has coordinates.
_POINTS = ("site", "near_site", "place", "near_place")
# The event types of violence, which carry an attribution.
_VIOLENT = ("remote_violence", "armed_clash", "violence_against_civilians")
# What a statement does not carry: the fields of violence (schema 1.0.0 has them all) ...
_VIOLENCE_COLUMNS = (
    "initiator_attribution",
    "weapons",
    *count_columns("fatalities"),
    *count_columns("injuries"),
)
# ... and what an act did (2.0.0): two rules, so that a 1.0.0 table is judged by the first.
_REPORTED_COLUMNS = (
    *(c for n in COUNTS if n not in ("fatalities", "injuries") for c in count_columns(n)),
    *_SIDES,
    "damage",
    "claim_status",
    "claimed_by",
)
# Those of them that are lists: coded when not empty.
_LIST_COLUMNS = ("weapons", "claimed_by")


def _country_fits(r: Row) -> bool:
    precision = r.get("geo_precision")
    if precision is None:
        return True
    if precision in _NO_COUNTRY:
        return r.get("country_iso3") is None and r.get("admin1_code") is None
    return r.get("country_iso3") is not None


def _country_fails(cols: Cols) -> pa.Array:
    precision = cols["geo_precision"]
    several = known(pc.is_in(precision, value_set=pa.array(_NO_COUNTRY)))
    coded = pc.or_(pc.is_valid(cols["country_iso3"]), pc.is_valid(cols["admin1_code"]))
    one = pc.and_(pc.is_valid(precision), pc.invert(several))
    return pc.or_(pc.and_(several, coded), pc.and_(one, pc.is_null(cols["country_iso3"])))


# The guidelines judge an event by its type only when its subtype agrees (else GE305 alone).
def _type_of(r: Row) -> str | None:
    cw = CROSSWALK.get(r["event_subtype"]) if r.get("event_subtype") else None
    agreed = cw is not None and str(cw.event_type) == r.get("event_type")
    return str(r["event_type"]) if agreed else None


def _agreed_type(cols: Cols) -> pa.Array:
    return pc.if_else(
        known(pc.equal(_crosswalk(cols, "event_type"), cols["event_type"])),
        cols["event_type"],
        pa.scalar(None, pa.string()),
    )


def _is_statement(cols: Cols) -> pa.Array:
    return known(pc.equal(_agreed_type(cols), "statement"))


def _statement_clean(columns: tuple[str, ...]) -> Callable[[Row], bool]:
    def holds(r: Row) -> bool:
        return _type_of(r) != "statement" or all(not r.get(c) and r.get(c) != 0 for c in columns)

    return holds


def _statement_fails(columns: tuple[str, ...]) -> Callable[[Cols], pa.Array]:
    def fails(cols: Cols) -> pa.Array:
        carried = false(len(cols["event_type"]))
        for column in columns:
            if column in _LIST_COLUMNS:
                given = pc.greater(pc.fill_null(pc.list_value_length(cols[column]), 0), 0)
            else:
                given = pc.is_valid(cols[column])
            carried = pc.or_(carried, given)
        return pc.and_(_is_statement(cols), carried)

    return fails


GUIDELINE_RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "country_precision",
        "GE410",
        "events",
        "country_iso3",
        ("geo_precision", "country_iso3", "admin1_code"),
        "no country_iso3 or admin1_code for multi_country and international; "
        "a country_iso3 otherwise",
        _country_fits,
        _country_fails,
    ),
    CrossRule(
        "point_coordinates",
        "GE411",
        "events",
        "latitude",
        ("geo_precision", "latitude", "longitude"),
        "latitude and longitude for a site, near_site, place or near_place",
        # only one of the two given is GE406's
        lambda r: (
            r.get("geo_precision") not in _POINTS
            or r.get("latitude") is not None
            or r.get("longitude") is not None
        ),
        lambda cols: pc.and_(
            known(pc.is_in(cols["geo_precision"], value_set=pa.array(_POINTS))),
            pc.and_(pc.is_null(cols["latitude"]), pc.is_null(cols["longitude"])),
        ),
    ),
    CrossRule(
        "gazetteer_pair",
        "GE412",
        "events",
        "gazetteer_id",
        ("gazetteer", "gazetteer_id"),
        "a gazetteer_id exactly when a gazetteer other than none is given",
        lambda r: (r.get("gazetteer") in (None, "none")) == (r.get("gazetteer_id") is None),
        lambda cols: pc.xor(
            pc.or_(pc.is_null(cols["gazetteer"]), known(pc.equal(cols["gazetteer"], "none"))),
            pc.is_null(cols["gazetteer_id"]),
        ),
    ),
    CrossRule(
        "statement_without_violence",
        "GE413",
        "events",
        "event_type",
        ("event_type", "event_subtype", *_VIOLENCE_COLUMNS),
        "no attribution, weapons, fatalities or injuries on a statement",
        _statement_clean(_VIOLENCE_COLUMNS),
        _statement_fails(_VIOLENCE_COLUMNS),
    ),
    CrossRule(
        "statement_without_outcomes",
        "GE413",
        "events",
        "event_type",
        ("event_type", "event_subtype", *_REPORTED_COLUMNS),
        "no munitions, attacks, fatalities by side, damage or claim on a statement",
        _statement_clean(_REPORTED_COLUMNS),
        _statement_fails(_REPORTED_COLUMNS),
    ),
    CrossRule(
        "violence_attribution",
        "GE414",
        "events",
        "initiator_attribution",
        ("event_type", "event_subtype", "initiator_attribution"),
        "an attribution on an act of violence",
        lambda r: _type_of(r) not in _VIOLENT or r.get("initiator_attribution") is not None,
        lambda cols: pc.and_(
            known(pc.is_in(_agreed_type(cols), value_set=pa.array(_VIOLENT))),
            pc.is_null(cols["initiator_attribution"]),
        ),
    ),
    CrossRule(
        "attribution_initiator",
        "GE415",
        "events",
        "initiator",
        ("initiator_attribution", "initiator"),
        "an initiator for a claimed, alleged or confirmed attribution",
        lambda r: (
            r.get("initiator_attribution") in (None, "unattributed")
            or r.get("initiator") is not None
        ),
        lambda cols: pc.and_(
            known(pc.not_equal(cols["initiator_attribution"], "unattributed")),
            pc.is_null(cols["initiator"]),
        ),
    ),
)


CROSS_RULES: tuple[CrossRule, ...] = (
    # The subtype decides the type and the crosswalks, so the error points at event_type.
    CrossRule(
        "subtype_type",
        "GE305",
        "events",
        "event_type",
        ("event_type", "event_subtype"),
        "the event_type of this event_subtype",
        _subtype_type,
        _subtype_type_fails,
    ),
    CrossRule(
        "acled_pair",
        "GE306",
        "events",
        "acled_sub_event_type",
        ("acled_event_type", "acled_sub_event_type"),
        "an ACLED sub-event type of this ACLED event type",
        _acled_pair,
        _acled_pair_fails,
    ),
    *(_crosswalk_rule(c) for c in CROSSWALK_COLUMNS),
    CrossRule(
        "date_order",
        "GE401",
        "events",
        "date_end",
        ("date_start", "date_end"),
        "date_end >= date_start",
        lambda r: _ordered(r.get("date_start"), r.get("date_end")),
        lambda cols: pc.less(cols["date_end"], cols["date_start"]),
    ),
    CrossRule(
        "date_precision",
        "GE402",
        "events",
        "date_precision",
        ("date_start", "date_end", "date_precision"),
        "dates that fit the precision (day: one day; days: 2-6 days; week: 7 days; "
        "month: one calendar month; year: one calendar year; range: more than 7 days)",
        _precision_holds,
        _precision_fails,
    ),
    *(rule for count in COUNTS for rule in _count_rules(count)),
    CrossRule(
        "inside_country",
        "GE404",
        "events",
        "latitude",
        ("latitude", "longitude", "country_iso3", "admin1_code"),
        "coordinates inside the country's bounding boxes",
        _inside,
        _outside_fails,
    ),
    CrossRule(
        "admin1_country",
        "GE405",
        "events",
        "admin1_code",
        ("admin1_code", "country_iso3"),
        "an admin1_code of the country_iso3",
        _admin1_agrees,
        _admin1_fails,
    ),
    CrossRule(
        "both_coordinates",
        "GE406",
        "events",
        "longitude",
        ("latitude", "longitude"),
        "latitude and longitude both given or both empty",
        lambda r: (r.get("latitude") is None) == (r.get("longitude") is None),
        lambda cols: pc.xor(pc.is_null(cols["latitude"]), pc.is_null(cols["longitude"])),
    ),
    CrossRule(
        "alleged_attributor",
        "GE407",
        "events",
        "attributed_by",
        ("initiator_attribution", "attributed_by"),
        "at least one actor in attributed_by for an alleged attribution",
        lambda r: r.get("initiator_attribution") != "alleged" or bool(r.get("attributed_by")),
        lambda cols: pc.and_(
            pc.equal(cols["initiator_attribution"], "alleged"), pc.equal(_attributors(cols), 0)
        ),
    ),
    CrossRule(
        "unattributed_attributor",
        "GE408",
        "events",
        "attributed_by",
        ("initiator_attribution", "attributed_by"),
        "no attributed_by for an unattributed event",
        lambda r: r.get("initiator_attribution") != "unattributed" or not r.get("attributed_by"),
        lambda cols: pc.and_(
            pc.equal(cols["initiator_attribution"], "unattributed"),
            pc.greater(_attributors(cols), 0),
        ),
    ),
    CrossRule(
        "span_order",
        "GE409",
        "evidence",
        "end",
        ("start", "end"),
        "end > start",
        lambda r: r.get("start") is None or r.get("end") is None or r["end"] > r["start"],
        lambda cols: pc.less_equal(cols["end"], cols["start"]),
    ),
    *REPORT_RULES,
    *GUIDELINE_RULES,
)


def rules_for(table: str) -> tuple[CrossRule, ...]:
    """The cross-field rules of one table."""
    return tuple(r for r in CROSS_RULES if r.table == table)
