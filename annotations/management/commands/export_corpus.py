"""python manage.py export_corpus --format FORMAT --out PATH [filters...]

Writes the annotated corpus in this process (not through a worker) into a folder, or into a
.zip when PATH ends in .zip; `--format all` writes one subfolder per format. Whoever runs the
command has the database, so every filter is allowed, the moderators' ones too.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.models import ExportFormat
from annotations.selectors.exports_filters import ExportRequestError, parse_filters
from annotations.selectors.exports_plan import export_plan
from annotations.services.exports import export_write, formats_of, zip_folder

OPTIONS = {
    "articles": "article ids, comma-separated",
    "tags": "claim, evidence, opinion (comma-separated)",
    "since": "annotations created on or after this ISO date",
    "until": "annotations created on or before this ISO date",
    "annotators": "usernames, comma-separated",
    "min_votes": "claims with at least this many votes",
    "status": "claims' consensus statuses, comma-separated (agreed, rejected, divided, not_enough_votes)",
    "split": "document-level train/validation/test shares, e.g. 80/10/10",
    "seed": "seed of the split (default 0)",
}


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


class Command(BaseCommand):
    help = "Export the annotated corpus as a folder or a .zip (jsonl, w3c, brat, doccano, labelstudio, csv or all)."
    requires_system_checks = []  # they import every URL and view: a second of start-up, for nothing here

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", default=ExportFormat.JSONL, choices=ExportFormat.values)
        parser.add_argument("--out", required=True, type=Path, help="a folder to create, or a file ending in .zip")
        for name, help_text in OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=help_text)
        parser.add_argument("--include-hidden", action="store_true", help="content hidden by moderators too")
        parser.add_argument("--real-names", action="store_true", help="usernames instead of pseudonyms")

    def handle(self, *args, **options) -> None:
        out: Path = options["out"]
        fmt = options["format"]
        raw = {name: options[name] for name in (*OPTIONS, "include_hidden", "real_names")}
        try:
            filters = parse_filters(raw, moderator=True)
        except ExportRequestError as error:
            raise CommandError("; ".join(f"--{f.replace('_', '-')}: {m}" for f, m in error.errors.items())) from error
        zipped = out.suffix.lower() == ".zip"
        if out.exists() and (zipped or out.is_file() or any(out.iterdir())):
            raise CommandError(f"{out} exists already; give a new path (nothing was written).")
        total = export_plan(filters).annotations * len(formats_of(fmt))
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=".export-", dir=out.parent) as tmp:
            folder = Path(tmp) / "files"
            with tqdm(total=total, unit=" annotations", unit_scale=True, desc=f"export {fmt}", disable=None) as bar:
                try:
                    summary = export_write(filters=filters, fmt=fmt, out_dir=folder,
                                           progress=lambda done: bar.update(done - bar.n))
                except ExportRequestError as error:
                    raise CommandError(str(error)) from error
            if zipped:
                packed = Path(tmp) / "export.zip"
                zip_folder(folder, packed)
                os.replace(packed, out)
            else:
                if out.is_dir():
                    out.rmdir()  # empty, as checked above
                shutil.move(folder, out)
        self._report(summary, out, time.perf_counter() - started)

    def _report(self, summary: dict, out: Path, seconds: float) -> None:
        files = [(f"{fmt}/{path}" if summary["format"] == ExportFormat.ALL else path, info)
                 for fmt, written in summary["formats"].items() for path, info in written["files"].items()]
        size = sum(info["bytes"] for _, info in files)
        rate = summary["annotations"] * len(summary["formats"]) / seconds if seconds else 0
        self.stdout.write(
            f"Wrote {summary['format']} to {out}: {len(files)} files, {_size(size)} uncompressed, "
            f"{summary['documents']:,} documents and {summary['annotations']:,} annotations "
            f"in {seconds:.1f} s ({rate:,.0f} annotations/s)."
        )
        if out.suffix.lower() == ".zip":
            self.stdout.write(f"  {out.name}: {_size(out.stat().st_size)} zipped")
        for path, info in files:
            self.stdout.write(f"  {path}: {_count(info['rows'], 'row')}, {_size(info['bytes'])}")
        left_out = [f"{n:,} {kind}" for kind, n in summary["left_out"].items()]
        for fmt, written in summary["formats"].items():
            left_out += [f"{n:,} {reason.replace('_', ' ')} ({fmt})" for reason, n in written["left_out"].items()]
        self.stdout.write(f"Left out: {', '.join(left_out)}." if left_out else "Nothing was left out.")
