"""The one text form everything is stored and addressed in.

After ``normalise`` every offset in the system is a code point index into the result.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """NFC, "\\n" line ends, no leading BOM, no trailing spaces/tabs, no outer blank lines.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    start = 0
    # A BOM counts as blank here so that one after leading blank lines is dropped too.
    while start < len(lines) and not lines[start].replace("\ufeff", "").strip():
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    lines = lines[start:end]
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    return "\n".join(lines)


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text's UTF-8: equal for texts that normalise alike."""
    return hashlib.sha256(normalise(text).encode("utf-8", "surrogatepass")).hexdigest()
