"""Grounding: documents' texts and hashes, and evidence quotes against those texts."""

from __future__ import annotations

import hashlib

import pyarrow as pa

from grounded_events._validation.batch import Batch
from grounded_events._validation.checker import Checker


class GroundingChecks(Checker):
    """Documents keep their texts for the evidence of the same run; evidence spans are checked."""

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
        for row, (doc_id, start, end, quote) in enumerate(zip(*columns, strict=True)):
            self.ground_row(batch, row, doc_id, start, end, quote)

    def ground_row(
        self,
        batch: Batch,
        row: int,
        doc_id: str | None,
        start: int | None,
        end: int | None,
        quote: str | None,
    ) -> None:
        """Check one evidence span against its document's text."""
        texts = self.context.texts
        if texts is None or doc_id not in texts or start is None or end is None or quote is None:
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
                self.add(
                    batch,
                    row,
                    "quote",
                    "GE501",
                    text[start:end],
                    quote,
                    params=(("doc_id", doc_id), ("start", start), ("end", end)),
                )
