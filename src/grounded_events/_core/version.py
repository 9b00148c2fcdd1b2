"""The package version and the schema version it implements (they move together)."""

__version__ = "1.0.0"
SCHEMA_VERSION = "1.0.0"
