"""The W3C Web Annotation test suite's MUST assertions, read in place from
../shared/w3c-annotation-model/ (never copied here) and run with jsonschema, with the uri and
date-time formats checked."""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("REDNOTE_W3C_SUITE", REPO.parent / "shared" / "w3c-annotation-model"))

ANNOTATION_MUSTS = "annotations/annotationMusts.test"
COLLECTION_MUSTS = "collections/collectionMusts.test"
PAGE_MUSTS = "collections/pages/pageMusts.test"


def available() -> bool:
    return (SUITE / ANNOTATION_MUSTS).is_file()


@cache
def _registry() -> Registry:
    """Every schema of the suite under its own `id` (ids are relative, e.g. "id.json", and refs
    resolve against them)."""
    resources = []
    for path in sorted(SUITE.rglob("*.json")):
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # the suite's deliberately broken samples
        if isinstance(schema, dict) and "$schema" in schema and isinstance(schema.get("id"), str):
            resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


@cache
def _assertions(test_file: str) -> tuple[tuple[str, dict], ...]:
    test = json.loads((SUITE / test_file).read_text(encoding="utf-8"))
    out = []
    for ref in test["assertions"]:
        schema = json.loads((SUITE / ref).read_text(encoding="utf-8"))
        assert schema.get("assertionType") == "must", ref
        out.append((ref, schema))
    return tuple(out)


def must_failures(instance: dict, test_file: str) -> list[str]:
    """The MUST assertions of `test_file` that `instance` fails, each with the suite's message."""
    failures = []
    for ref, schema in _assertions(test_file):
        validator = Draft4Validator(schema, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER)
        valid = validator.is_valid(instance)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failures.append(f"{ref}: {schema.get('errorMessage', '')}")
    return failures


def assertion_count(test_file: str) -> int:
    return len(_assertions(test_file))
