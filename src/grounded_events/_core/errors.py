"""The one base of every exception the library raises, and the usage error all stages share."""

from __future__ import annotations


class GroundedEventsError(Exception):
    """Base of every error grounded-events raises: `except GroundedEventsError` catches them all."""


class UsageError(GroundedEventsError, ValueError):
    """The library or a command was used wrongly (unknown schema version, bad option): exit 2."""
