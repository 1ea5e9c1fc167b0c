"""The sample corpus, read in place (its text is never copied into the repository)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations.text.normalise import normalise

CORPUS_DIR = Path(
    os.environ.get("REDNOTE_CORPUS_DIR")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
)


@dataclass(frozen=True)
class Corpus:
    texts: dict[str, str]  # file name -> normalised text
    manifest: dict[str, dict]  # file name -> manifest entry

    def name(self, prefix: str) -> str:
        """The file name starting with ``prefix`` ("003" -> "003_434e....txt")."""
        (name,) = [n for n in self.texts if n.startswith(prefix)]
        return name


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    manifest_path = CORPUS_DIR / "manifest.json"
    if not manifest_path.is_file():
        pytest.skip(f"sample corpus not found at {CORPUS_DIR} (set REDNOTE_CORPUS_DIR)")
    entries = json.loads(manifest_path.read_text(encoding="utf-8"))["articles"]
    return Corpus(
        texts={e["file"]: normalise((CORPUS_DIR / e["file"]).read_text("utf-8")) for e in entries},
        manifest={e["file"]: e for e in entries},
    )
