"""The sources: the seeds index, verbatim document texts, and quote offsets within them."""
