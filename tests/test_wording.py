"""pydantic errors of the models in the project's words, where messages leave the validator."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from grounded_events._schema.models import Document
from grounded_events._schema.wording import first_error
from helpers import document

# (a field of a seeds index entry set to a bad value, the words that say what is wrong)
CASES: list[tuple[str, Any, str]] = [
    ("url", "notaurl", "url: should be an http:// or https:// address"),
    ("language", "english", "language: should be an ISO 639-1 language code: two lowercase letters (e.g. en)"),
    ("doc_id", "Bad Id", "doc_id: should be lowercase letters and digits, in words joined by '-' (e.g. example-news-20240202)"),
    ("published_date", "12/12/2023", "published_date: should be a date written YYYY-MM-DD"),
    ("sha256", "abc", "sha256: should be a SHA-256 digest: 64 lowercase hexadecimal digits"),
    ("published_date_basis", "guess", "published_date_basis: should be 'byline', 'url', 'metadata', 'external', 'estimated' or 'unknown'"),
    ("title", None, "title: should be text"),
    ("publisher", "", "publisher: should have at least 1 characters or items"),
    ("extra", 1, "extra: is not a key of the schema"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "said"), CASES, ids=[c[0] for c in CASES])
def test_an_index_error_is_in_the_projects_words(field: str, value: Any, said: str) -> None:
    """Each kind of error a seeds index entry can have is worded by the project, not pydantic."""
    data = document().model_dump(mode="json")
    data[field] = value
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(data)
    where, what = first_error(caught.value)
    assert f"{where}: {what}" == said
    assert "Input should be a valid" not in what and "String should" not in what


def test_a_missing_field_is_required() -> None:
    """A field left out is "required"."""
    data = document().model_dump(mode="json")
    del data["url"]
    with pytest.raises(ValidationError) as caught:
        Document.model_validate(data)
    assert first_error(caught.value) == ("url", "is required")
