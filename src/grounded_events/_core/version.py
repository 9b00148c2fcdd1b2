"""The package version and the schema version it implements (they move together)."""

__version__ = "2.0.0"
SCHEMA_VERSION = "2.0.0"
