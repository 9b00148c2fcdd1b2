"""The schema: vocabularies, pydantic models, the table spec, and the tools for published versions."""
