"""grounded-events: a versioned event schema and a dataset of evidence-grounded events."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from grounded_events._core.version import SCHEMA_VERSION, __version__

__all__ = [
    "SCHEMA_VERSION",
    "IntegrityError",
    "UnsafeFile",
    "__version__",
    "download",
    "load",
    "load_package",
    "validate",
]

# Public name -> private module that defines it; imported on first use to keep `import` fast.
_LAZY = {
    "IntegrityError": "grounded_events._loaders.load",
    "UnsafeFile": "grounded_events._core.files",
    "load": "grounded_events._loaders.load",
    "load_package": "grounded_events._loaders.load",
    "download": "grounded_events._loaders.download",
    "validate": "grounded_events._validation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'grounded_events' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
