"""The files that describe an export: manifest.json (every format), agreement.json and the
dataset card README.md of the jsonl bundle, which the Hugging Face Hub reads."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from annotations.exporters.files import ExportSummary, OutputFolder
from annotations.exporters.rows import (
    NORMALISATION,
    OFFSET_UNIT,
    SCHEMA_VERSION,
    AgreementFigure,
    ExportMeta,
)

# The jsonl tables the card names as configs, with what a row is.
TABLE_DESCRIPTIONS: dict[str, str] = {
    "documents": "one row per document: its exported revision's text and metadata",
    "sentences": "the sentences of each document with their consensus tag",
    "annotations": "the raw layer: one row per annotator's tagged span",
    "relations": "evidence links: an evidence annotation supports or refutes a claim",
    "sources": "sources on claims: a URL or a passage of a document",
    "claims": "the consensus layer: claims with their votes, Wilson interval, bridging score and status",
    "comments": "the debate threads on claims",
}


def pretty_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def manifest(meta: ExportMeta, summary: ExportSummary, **extra: Any) -> bytes:
    """manifest.json: what was exported, how offsets count, and every other file's rows, bytes
    and sha256 (so a download can be checked)."""
    body = {
        "schema_version": SCHEMA_VERSION,
        "format": summary.format,
        "app": "rednote",
        "app_version": meta.app_version,
        "created": meta.created,
        "filters": dict(meta.filters),
        "offset_unit": OFFSET_UNIT,
        "offset_end": "exclusive",
        "normalisation": NORMALISATION,
        "annotators": "real names" if meta.real_names else "pseudonyms: annotator-<first 12 hex of HMAC-SHA256(user id)>",
        "documents": summary.documents,
        "annotations": summary.annotations,
        "orphaned": summary.orphaned,
        **extra,
        "left_out": dict(sorted(summary.left_out.items())),
        "files": {f.path: f.as_dict() for f in summary.files},
    }
    return pretty_json(body)


def finish(out: OutputFolder, meta: ExportMeta, summary: ExportSummary, **extra: Any) -> None:
    """Write manifest.json last, listing every file written before it, and record all files."""
    out.close_groups()
    summary.files = list(out.summaries)
    out.write_whole("manifest.json", manifest(meta, summary, **extra))
    summary.files = list(out.summaries)


def _figure(figure: AgreementFigure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {"alpha": figure.alpha, "reading": figure.reading, "n_units": figure.n_units, "n_taggers": figure.n_taggers}


def agreement(corpus: AgreementFigure | None, documents: Iterable[tuple[int, AgreementFigure]]) -> bytes:
    body = {
        "measure": "krippendorff_alpha_nominal",
        "unit": "sentence",
        "note": "alpha is null when no disagreement was possible; n_units counts sentences tagged by at least two people",
        "corpus": _figure(corpus),
        "documents": [{"document_id": doc_id, **_figure(fig)} for doc_id, fig in documents],
    }
    return pretty_json(body)


def _yaml(value: str) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def dataset_card(
    meta: ExportMeta, tables: Iterable[str], languages: Iterable[str], splits: Mapping[str, int], summary: ExportSummary
) -> bytes:
    """README.md with the YAML front matter the Hugging Face Hub reads: one config per table
    (`load_dataset(folder, "annotations")`), licence and languages; the citation in the body."""
    tables = list(tables)
    lines = ["---", f"license: {_yaml(meta.license)}", f"pretty_name: {_yaml(meta.title)}"]
    langs = sorted(set(languages))
    if langs:
        lines.append("language:")
        lines += [f"- {_yaml(lang)}" for lang in langs]
    lines += ["tags:", "- argument-mining", "- annotation", "- claims", "configs:"]
    for table in tables:
        lines.append(f"- config_name: {table}")
        lines.append(f"  data_files: {table}.jsonl")
        if table == "annotations":
            lines.append("  default: true")
    lines.append("---")
    body = [
        "",
        f"# {meta.title}",
        "",
        f"Exported from rednote {meta.app_version} on {meta.created}: {summary.documents} documents, "
        f"{summary.annotations} annotations. Filters: `{json.dumps(dict(meta.filters), ensure_ascii=False)}`.",
        "",
        "## Files",
        "",
    ]
    body += [f"- `{t}.jsonl`: {TABLE_DESCRIPTIONS[t]}." for t in tables]
    body += [
        "- `agreement.json`: Krippendorff's alpha (nominal) over sentence tags, per document and for the corpus.",
        "- `label_schema.json`: the tags, relation types and source stances, with their definitions.",
        "- `manifest.json`: schema version, filters, and every file's rows, bytes and sha256.",
        "",
        "## Offsets",
        "",
        f"`start` and `end` count Unicode code points ({OFFSET_UNIT}) with an exclusive end into the document's "
        f"`text`, which is the exported revision exactly, {NORMALISATION}-normalised: "
        "`text[start:end]` in Python is the span's `text`. Orphaned annotations (their text was revised away) "
        "have null offsets, `anchor_state: orphaned` and their last quote as `text`.",
        "",
        "## Annotators",
        "",
        "Real names, as asked for by a moderator."
        if meta.real_names
        else "Annotators appear as stable pseudonyms (`annotator-` and 12 hex digits of an HMAC of their user id "
        "with a secret of the instance): one person's rows can be followed across files and exports without "
        "revealing who they are.",
        "",
    ]
    if splits:
        body += ["## Splits", "", "Document-level, recorded in `documents.jsonl` (`split`): "
                 + ", ".join(f"{name} {n}" for name, n in sorted(splits.items())) + " documents.", ""]
    body += ["## Licence", "", f"`{meta.license}`.", ""]
    if meta.citation:
        body += ["## Citation", "", "```", meta.citation.strip(), "```", ""]
    return ("\n".join(lines + body)).encode("utf-8")
