"""Grounding: documents' texts and hashes, and evidence quotes against those texts."""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa

from grounded_events._core.text import quoted
from grounded_events._sources.quotes import MAX_NEAR, Span, find
from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker

# GE501 says where a quote does occur. The search costs up to about 0.1 s for a long quote that
# occurs nowhere, and a broken table may hold millions, so it runs for the first HINTED distinct
# (document, quote) pairs of a table; later messages say only that the quote is not the text.
HINTED = 1000
# Occurrences whose offsets a GE501 message lists.
SHOWN_SPANS = 3

Hint = tuple[str, tuple[tuple[str, Any], ...]]  # GE501's variant and its keywords


def _spans(spans: list[Span]) -> str:
    shown = ", ".join(f"{s}-{e}" for s, e in spans[:SHOWN_SPANS])
    more = len(spans) - SHOWN_SPANS
    return f"{shown} (and {more} more)" if more > 0 else shown


def where_it_occurs(text: str, quote: str) -> Hint:
    """GE501's variant and keywords for `quote`: where it occurs in `text`, exactly or with
    quotation marks folded, else the nearest passage, else that it occurs nowhere."""
    found = find(text, quote)
    if found.exact:
        return "elsewhere", (("spans", _spans(found.exact)),)
    if found.folded:
        return "folded", (("spans", _spans(found.folded)),)
    near = found.near
    if near is not None:
        return "near", (
            ("near", quoted(near.text)),
            ("near_start", near.start),
            ("near_end", near.end),
        )
    return ("", ()) if len(quote) > MAX_NEAR else ("nowhere", ())


class GroundingChecks(Checker):
    """Documents keep their texts for the evidence of the same run; evidence spans are checked."""

    # (doc_id, quote) -> where that quote occurs, for GE501 (the first HINTED pairs)
    hints: dict[tuple[str, str], Hint] | None = None

    def documents(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        if self.context.texts is None:
            self.context.texts = {}
        ids, texts, hashes = (typed[c].to_pylist() for c in ("doc_id", "text", "sha256"))
        for row, (doc_id, text, sha) in enumerate(zip(ids, texts, hashes, strict=True)):
            self.document_row(batch, row, doc_id, text, sha)

    def document_row(
        self, batch: Batch, row: int, doc_id: str | None, text: str | None, sha: str | None
    ) -> None:
        """Keep a document's text for grounding; check its sha256."""
        if self.context.texts is None:
            self.context.texts = {}
        if doc_id is not None and text is not None:
            self.context.texts[doc_id] = text
            actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if sha is not None and actual != sha:
                self.add(
                    batch,
                    row,
                    "sha256",
                    "GE503",
                    sha,
                    actual,
                    params=(("doc_id", doc_id), ("sha256", actual)),
                )

    def grounding(self, batch: Batch, typed: dict[str, pa.Array]) -> None:
        texts = self.context.texts
        if texts is None:
            return
        # Slicing by code points per row: Arrow has no per-row slice bounds, and evidence is small.
        columns = [typed[c].to_pylist() for c in ("doc_id", "start", "end", "quote")]
        n = len(columns[0])
        # a 1.0.0 evidence table has no according_to column: nothing to look for
        sources = typed["according_to"].to_pylist() if "according_to" in typed else [None] * n
        for row, (doc_id, start, end, quote, according_to) in enumerate(
            zip(*columns, sources, strict=True)
        ):
            self.ground_row(batch, row, doc_id, start, end, quote, according_to)

    def ground_row(
        self,
        batch: Batch,
        row: int,
        doc_id: str | None,
        start: int | None,
        end: int | None,
        quote: str | None,
        according_to: str | None = None,
    ) -> None:
        """Check one evidence span against its document's text: its quote (GE501, GE502) and
        the words naming its source (GE514), for tables, records and annotation files alike."""
        texts = self.context.texts
        if texts is None or doc_id not in texts:
            return
        if according_to is not None and according_to not in texts[doc_id]:
            self.add(
                batch,
                row,
                "according_to",
                "GE514",
                "words of the text",
                according_to,
                params=(("value", according_to), ("doc_id", doc_id)),
            )
        if start is None or end is None or quote is None:
            return
        if end > start:
            text = texts[doc_id]
            if end > len(text):
                self.add(
                    batch,
                    row,
                    "end",
                    "GE502",
                    f"<= {len(text)}",
                    end,
                    params=(("end", end), ("length", len(text)), ("doc_id", doc_id)),
                )
            elif text[start:end] != quote:
                variant, where = self.hint(doc_id, text, quote)
                self.add(
                    batch,
                    row,
                    "quote",
                    "GE501",
                    text[start:end],
                    quote,
                    variant,
                    params=(("doc_id", doc_id), ("start", start), ("end", end), *where),
                )

    def hint(self, doc_id: str, text: str, quote: str) -> Hint:
        """Where `quote` occurs in the text of `doc_id`, searched once per pair (HINTED pairs)."""
        if self.hints is None:
            self.hints = {}
        known = self.hints.get((doc_id, quote))
        if known is None:
            if len(self.hints) >= HINTED:
                return "", ()
            known = self.hints[(doc_id, quote)] = where_it_occurs(text, quote)
        return known
