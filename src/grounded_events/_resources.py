"""Where the published schema versions are: an override, the installed wheel's copy, or a checkout's."""

from __future__ import annotations

import os
from pathlib import Path

# Points every command (validate, schema, migrate) at another folder of X.Y.Z versions.
SCHEMA_ROOT_ENV = "GROUNDED_EVENTS_SCHEMA_ROOT"

_PACKAGE = Path(__file__).resolve().parent


def schema_roots() -> list[Path]:
    """Folders that may hold published versions, the first that has a version wins:
    $GROUNDED_EVENTS_SCHEMA_ROOT alone when it is set, else the wheel's copy, then the checkout's
    schema/."""
    override = os.environ.get(SCHEMA_ROOT_ENV)
    if override:
        return [Path(override)]
    return [_PACKAGE / "_schema", _PACKAGE.parents[1] / "schema"]


def schema_root() -> Path:
    """The one folder of published versions: the first of schema_roots() that exists."""
    roots = schema_roots()
    return next((root for root in roots if root.is_dir()), roots[-1])
