"""python manage.py import_articles PATH... [--manifest FILE]"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_import_path,
    metadata_from_manifest,
)
from annotations.text.convert import SUPPORTED_SUFFIXES

MANIFEST_NAME = "manifest.json"


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


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .md and .html files and folders. Text already in the corpus "
        "is skipped. Exits non-zero when any file failed; every good file is still imported."
    )

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
        for path in progress:
            try:
                metadata = metadata_from_manifest(entries[path.name]) if path.name in entries else ArticleMetadata()
                article = article_import_path(path=path, metadata=metadata)
            except DuplicateArticle as error:
                skipped.append((path, f"already imported as #{error.existing.pk} “{error.existing.title}”"))
            except ArticleError as error:
                failed.append((path, str(error)))
            except OSError as error:
                failed.append((path, f"cannot read: {error.strerror or error}"))
            else:
                imported.append((path, f"#{article.pk} “{article.title}”"))

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
