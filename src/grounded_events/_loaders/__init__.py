"""The consumer side: `load()` the package into pandas, `download()` and verify a release."""
