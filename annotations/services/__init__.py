"""Writes. Every function is keyword-only, typed and runs in one transaction."""
