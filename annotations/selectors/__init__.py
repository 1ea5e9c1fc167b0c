"""Reads: querysets and plain data shaped for each page and endpoint, with no N+1."""
