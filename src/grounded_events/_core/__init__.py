"""What every stage uses: the version, safe file access, atomic writes, safe YAML, error types."""
