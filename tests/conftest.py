"""Shared fixtures: paths into the repository checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT
