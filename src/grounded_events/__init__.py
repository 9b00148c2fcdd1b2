"""grounded-events: a versioned event schema and a dataset of evidence-grounded events."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from grounded_events._core.version import SCHEMA_VERSION, __version__

__all__ = [
    "SCHEMA_VERSION",
    "BuildError",
    "DownloadError",
    "GroundedEventsError",
    "IntegrityError",
    "Issue",
    "PackageError",
    "PackageNotFound",
    "Report",
    "UnsafeFile",
    "UsageError",
    "__version__",
    "download",
    "load",
    "load_package",
    "validate",
]

# Public name -> private module that defines it; imported on first use to keep `import` fast.
# Every exception a public function raises is here, and all derive from GroundedEventsError.
_LAZY = {
    "load": "grounded_events._loaders.load",
    "load_package": "grounded_events._loaders.load",
    "download": "grounded_events._loaders.download",
    "validate": "grounded_events._validation",
    "Report": "grounded_events._validation.issues",
    "Issue": "grounded_events._validation.issues",
    "GroundedEventsError": "grounded_events._core.errors",
    "UsageError": "grounded_events._core.errors",
    "IntegrityError": "grounded_events._loaders.load",
    "PackageError": "grounded_events._loaders.load",
    "PackageNotFound": "grounded_events._loaders.load",
    "UnsafeFile": "grounded_events._core.files",
    "DownloadError": "grounded_events._loaders.download",
    "BuildError": "grounded_events._package.inputs",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'grounded_events' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
