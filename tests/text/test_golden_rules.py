"""The 48 English Golden Rules (see golden_rules.py), compared as stripped sentence strings.

None of the rules contains a line break, so treating every line as a paragraph changes
nothing here. We follow pySBD, which fails one rule; it is marked as an expected failure.
"""

import pytest

from annotations.text.segment import segment

from .golden_rules import GOLDEN_RULES

PYSBD_FAILS = {
    "a.m./p.m. as boundary and non-boundary": (
        "pySBD (our reference) splits after 'At 5 a.m.' because 'Mr.' starts with a capital;"
        " telling a.m. + capital apart needs more than its rules"
    ),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            text,
            expected,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=PYSBD_FAILS[name])]
            if name in PYSBD_FAILS
            else [],
        )
        for name, text, expected in GOLDEN_RULES
    ],
)
def test_golden_rule(text, expected):
    assert [text[s.start : s.end] for s in segment(text)] == expected


def test_golden_rules_are_complete():
    assert len(GOLDEN_RULES) == 48
    assert not any("\n" in text for _, text, _ in GOLDEN_RULES)
