"""Hatch build hook: ship the built data package and the published schemas inside the wheel."""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Repository folder -> location inside the installed package.
PACKAGE_DATA = {
    "datasets/grounded-events": "grounded_events/_data",
    "schema": "grounded_events/_schema/published",
}


class CustomBuildHook(BuildHookInterface):
    """Editable installs read these folders from the checkout; real wheels carry copies."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        build_data["force_include"].update(PACKAGE_DATA)
