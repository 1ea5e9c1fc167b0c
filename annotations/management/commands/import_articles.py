"""python manage.py import_articles PATH... [--manifest FILE]"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.models import Article
from annotations.services.article_imports import ImportFile, articles_import
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    metadata_from_manifest,
    read_import_file,
)
from annotations.text.convert import SUPPORTED_SUFFIXES

MANIFEST_NAME = "manifest.json"
BATCH_FILES, BATCH_BYTES = 200, 16 * 2**20
"""Files imported together, in one transaction: at most this many, of at most this many bytes
(more when one file alone is larger)."""


def _collect(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Files to import (folders expanded, sorted), files passed over, and paths that do not exist.

    A folder with a manifest.json holds the articles its manifest lists; its other files (a
    README, say) are passed over and reported.
    """
    files: list[Path] = []
    passed_over: list[tuple[Path, str]] = []
    missing: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            listed = set(_load_manifest(path / MANIFEST_NAME)) if (path / MANIFEST_NAME).is_file() else None
            for file in found:
                if listed is None or file.name in listed:
                    files.append(file)
                else:
                    passed_over.append((file, f"not listed in {MANIFEST_NAME}"))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((path, "no such file or folder"))
    return files, passed_over, missing


def _load_manifest(path: Path) -> dict[str, dict]:
    """Manifest entries by file name, in the format of the sample corpus' manifest.json."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["articles"] if isinstance(data, dict) else data
        return {entry["file"]: entry for entry in entries}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"Cannot read manifest {path}: {error}") from error


def _batches(paths: Iterable[Path]) -> Iterator[list[Path]]:
    batch, size = [], 0
    for path in paths:
        with suppress(OSError):  # a file that cannot be read is reported when it is read
            size += path.stat().st_size
        batch.append(path)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _import_batch(paths: list[Path], entries: dict[str, dict]) -> list[tuple[Path, Article | Exception]]:
    """Each file's new article, or what kept it out (ArticleError, OSError), in order."""
    outcomes: dict[Path, Article | Exception] = {}
    readable: list[tuple[Path, ImportFile]] = []
    for path in paths:
        try:
            metadata = metadata_from_manifest(entries[path.name]) if path.name in entries else ArticleMetadata()
            readable.append((path, ImportFile(name=path.name, data=read_import_file(path), metadata=metadata)))
        except (ArticleError, OSError) as error:
            outcomes[path] = error
    results = articles_import(files=[file for _, file in readable])
    outcomes.update((path, result) for (path, _), result in zip(readable, results, strict=True))
    return [(path, outcomes[path]) for path in paths]


def _report(outcome: Article | Exception) -> tuple[str, str]:
    """(imported, skipped or failed; the detail) for one file."""
    if isinstance(outcome, DuplicateArticle):
        return "skipped", f"already imported as #{outcome.existing.pk} “{outcome.existing.title}”"
    if isinstance(outcome, OSError):
        return "failed", f"cannot read: {outcome.strerror or outcome}"
    if isinstance(outcome, Exception):
        return "failed", str(outcome)
    return "imported", f"#{outcome.pk} “{outcome.title}”"


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .md and .html files and folders. Text already in the corpus "
        "is skipped. Exits non-zero when any file failed; every good file is still imported."
    )
    # A data job, not a server start: the system checks (a second or so) are `manage.py check`'s.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders to import.")
        parser.add_argument(
            "--manifest",
            type=Path,
            help="JSON with per-file metadata ({'articles': [{'file', 'title', 'author', 'source', "
            "'published', 'language'}]}). A manifest.json inside an imported folder is used by default.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, paths: list[Path], manifest: Path | None, no_progress: bool, **options):
        files, passed_over, failed = _collect(paths)
        entries: dict[str, dict] = {}
        manifests = [manifest] if manifest else [p / MANIFEST_NAME for p in paths if (p / MANIFEST_NAME).is_file()]
        for manifest_path in manifests:
            entries.update(_load_manifest(manifest_path))

        imported, skipped = [], list(passed_over)
        progress = tqdm(
            files, unit="file", disable=no_progress or len(files) < 20 or not sys.stderr.isatty(), file=sys.stderr
        )
        reports = {"imported": imported, "skipped": skipped, "failed": failed}
        for batch in _batches(progress):
            for path, outcome in _import_batch(batch, entries):
                label, detail = _report(outcome)
                reports[label].append((path, detail))

        for label, rows, style in (
            ("imported", imported, self.style.SUCCESS),
            ("skipped", skipped, self.style.WARNING),
            ("failed", failed, self.style.ERROR),
        ):
            for path, detail in rows:
                self.stdout.write(style(f"{label:8} {path}: {detail}"))
        summary = f"{len(imported)} imported, {len(skipped)} skipped, {len(failed)} failed"
        if failed:
            raise CommandError(summary)
        self.stdout.write(summary)
