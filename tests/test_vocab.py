"""Vocabularies carry definitions, and crosswalks use the anchor datasets' exact codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grounded_events._schema.vocab import (
    ACLED_EVENT_TYPES,
    CAMEO_ROOTS,
    CROSSWALK,
    CROSSWALK_COLUMNS,
    CROSSWALK_DESCRIPTIONS,
    DATE_PRECISION_CODES,
    GEO_PRECISION_CODES,
    PLOVER_MODES,
    VOCABULARIES,
    DatePrecision,
    EventSubtype,
    GeoPrecision,
)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "REFERENCE.md"


def _reference() -> str:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is not beside the checkout")
    return REFERENCE.read_text(encoding="utf-8")


def test_every_value_has_a_one_line_definition() -> None:
    """Each vocabulary value has a non-empty, single-line definition ending with a period."""
    for vocab in VOCABULARIES:
        for member in vocab:
            assert member.definition.strip().endswith("."), member
            assert "\n" not in member.definition, member


def test_every_subtype_has_a_consistent_crosswalk() -> None:
    """Each subtype maps to ACLED, PLOVER and CAMEO codes that exist and belong together."""
    assert set(CROSSWALK) == set(EventSubtype)
    for subtype, cw in CROSSWALK.items():
        if cw.acled_sub_event_type is not None:
            assert cw.acled_sub_event_type in ACLED_EVENT_TYPES[cw.acled_event_type], subtype
        if cw.plover_mode is not None:
            assert cw.plover_mode in PLOVER_MODES[cw.plover_event_type], subtype
        assert cw.cameo_root is None or cw.cameo_root in CAMEO_ROOTS, subtype


def test_crosswalk_columns_are_the_crosswalk_fields_each_described() -> None:
    """The crosswalk columns are Crosswalk's code fields, in order, each with a description."""
    assert CROSSWALK_COLUMNS == (
        "acled_event_type",
        "acled_sub_event_type",
        "plover_event_type",
        "plover_mode",
        "cameo_root",
    )
    assert tuple(CROSSWALK_DESCRIPTIONS) == CROSSWALK_COLUMNS
    assert all(d.endswith(".") for d in CROSSWALK_DESCRIPTIONS.values())
    cw = CROSSWALK[EventSubtype.SHELLING]
    assert list(cw.codes().items()) == [(c, getattr(cw, c)) for c in CROSSWALK_COLUMNS]


def test_acled_names_match_the_reference_exactly() -> None:
    """ACLED event and sub-event types are spelled exactly as shared/REFERENCE.md gives them."""
    text = _reference()
    section = text.split("## ACLED")[1].split("Precision codes")[0]
    parsed = {}
    for line in section.splitlines():
        if match := re.match(r"- (.+?): (.+)$", line):
            parsed[match[1]] = tuple(s.strip() for s in match[2].split(";"))
    assert parsed == ACLED_EVENT_TYPES


def test_plover_modes_and_cameo_roots_match_the_reference() -> None:
    """PLOVER event types and modes, and CAMEO root codes, are the reference's."""
    text = _reference()
    plover = text.split("## PLOVER")[1].split("## CAMEO")[0]
    for match in re.finditer(r"^- ([A-Z, and]+?): (.+)$", plover, re.M):
        modes = tuple(m.strip() for m in match[2].split(",") if "(" not in m)
        for event in re.findall(r"[A-Z]{3,}", match[1]):
            assert set(modes) <= set(PLOVER_MODES[event]), event
    cameo = text.split("## CAMEO root codes (GDELT)")[1].split("##")[0]
    for code, name in re.findall(r"(\d\d) ([a-z ]+?)(?: \(|;|\.)", cameo):
        assert CAMEO_ROOTS[code] == name.strip(), code


def test_precision_labels_document_their_acled_and_ucdp_codes() -> None:
    """Every precision label has its ACLED and UCDP equivalents recorded (or None)."""
    assert set(DATE_PRECISION_CODES) == set(DatePrecision)
    assert set(GEO_PRECISION_CODES) == set(GeoPrecision)
    assert DATE_PRECISION_CODES[DatePrecision.DAY] == (1, 1)
    assert GEO_PRECISION_CODES[GeoPrecision.COUNTRY] == (None, 6)
