"""Describing annotated spans, and finding them again after the text is revised."""

import random
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotations.text.anchor import (
    CONTEXT,
    AnchorError,
    Selector,
    _edit_distances,
    anchor,
    describe,
    reanchor_all,
    verify_quote,
)

ARTICLE = (
    "The council met on Tuesday to discuss the new budget for the coming year.\n\n"
    "According to the finance director, spending on roads will rise by twelve percent. "
    "Critics argue that the increase is not justified by the state of the network. "
    "The mayor said the plan would be put to a public vote in the spring.\n\n"
    "Local businesses have welcomed the proposal, citing years of delayed repairs."
)
QUOTE = "Critics argue that the increase is not justified by the state of the network."


def _select(text: str, quote: str) -> Selector:
    start = text.index(quote)
    return describe(text, start, start + len(quote))


# describe / verify_quote


def test_describe_takes_context_from_the_text():
    start = ARTICLE.index(QUOTE)
    selector = describe(ARTICLE, start, start + len(QUOTE))
    assert (selector.start, selector.end, selector.exact) == (start, start + len(QUOTE), QUOTE)
    assert selector.prefix == ARTICLE[start - CONTEXT : start]
    assert selector.suffix == ARTICLE[start + len(QUOTE) : start + len(QUOTE) + CONTEXT]
    assert len(selector.prefix) == len(selector.suffix) == CONTEXT == 32


def test_describe_truncates_context_at_the_ends_of_the_text():
    first = describe(ARTICLE, 0, 10)
    assert (first.exact, first.prefix) == ("The counci", "")
    assert first.suffix == ARTICLE[10:42]
    last = describe(ARTICLE, len(ARTICLE) - 8, len(ARTICLE))
    assert last.suffix == ""
    assert last.prefix == ARTICLE[-40:-8]
    assert describe(ARTICLE, 20, 30, context=5).prefix == ARTICLE[15:20]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (10, 10, "end"),
        (10, 9, "end"),
        (-1, 5, "start"),
        (5, len(ARTICLE) + 1, "end"),
        (len(ARTICLE), len(ARTICLE) + 1, "start"),
        (ARTICLE.index("\n\n"), ARTICLE.index("\n\n") + 2, "start"),  # whitespace only
    ],
)
def test_describe_rejects_bad_spans(start, end, field):
    with pytest.raises(AnchorError) as raised:
        describe(ARTICLE, start, end)
    assert isinstance(raised.value, ValueError)
    assert raised.value.field == field


def test_verify_quote():
    start = ARTICLE.index(QUOTE)
    assert verify_quote(ARTICLE, start, start + len(QUOTE), QUOTE)
    assert not verify_quote(ARTICLE, start + 1, start + 1 + len(QUOTE), QUOTE)
    assert verify_quote("abcabc", 3, 6, "abc")
    assert not verify_quote("abcabc", -3, 6, "abc")  # no negative indexing
    assert not verify_quote("abc", 0, 0, "")


# anchor


def test_position_hit():
    selector = _select(ARTICLE, QUOTE)
    result = anchor(ARTICLE, selector)
    assert result == type(result)(selector.start, selector.end, "position", 1.0)
    assert result.anchored


def test_insertion_before_the_quote_moves_it():
    selector = _select(ARTICLE, QUOTE)
    revised = "Updated on Wednesday. " + ARTICLE
    result = anchor(revised, selector)
    assert (result.method, result.score) == ("exact", 1.0)
    assert result.start == selector.start + len("Updated on Wednesday. ")
    assert revised[result.start : result.end] == QUOTE


@pytest.mark.parametrize("director", ["finance director", "finance directr"])
def test_duplicate_quote_with_matching_context_wins_over_nearer_one(director):
    quote = "spending on roads will rise"
    selector = _select(ARTICLE, quote)
    decoy = "Nobody believes that spending on roads will rise, said one resident. "
    revised = ARTICLE.replace("finance director", director)  # maybe a typo in the context
    revised = revised.replace("According to", decoy + "More text. " * 10 + "According to")
    assert revised.count(quote) == 2
    assert abs(revised.index(quote) - selector.start) < abs(revised.rindex(quote) - selector.start)
    result = anchor(revised, selector)
    assert (result.method, result.start) == ("exact", revised.rindex(quote))


@pytest.mark.parametrize(("lean", "winner"), [(-5, 0), (5, 1)])
def test_duplicate_quote_with_equal_context_nearest_old_position_wins(lean, winner):
    block = "The mayor said the plan would be put to a public vote in the spring."
    text = f"{block} Filler sentence one. Filler sentence two. Filler three. {block}"
    quote = "said the plan"
    twins = [text.index(quote), text.rindex(quote)]
    old_start = (twins[0] + twins[1]) // 2 + lean  # between the twins, nearer one of them
    selector = Selector(
        old_start, old_start + len(quote), quote, "The mayor ", " would be put to a public vote"
    )
    result = anchor(text, selector)
    assert (result.method, result.start) == ("exact", twins[winner])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("not justified", "not justifed"),  # a typo introduced
        ("the state of the network", "the sate of teh network"),
        ("Critics argue", "Opponents argue"),  # a word changed
        ("the increase is not", "the rise is not"),
    ],
)
def test_small_edit_inside_the_quote_is_found_fuzzily(old, new):
    selector = _select(ARTICLE, QUOTE)
    edited = QUOTE.replace(old, new)
    revised = ("Breaking: the vote was moved. " + ARTICLE).replace(QUOTE, edited)
    result = anchor(revised, selector)
    assert result.method == "fuzzy"
    assert result.score >= 0.75
    assert revised[result.start : result.end] == edited


def test_typo_fix_inside_the_quote_is_found_in_place():
    with_typo = ARTICLE.replace("justified", "justfied")
    selector = _select(with_typo, QUOTE.replace("justified", "justfied"))
    result = anchor(ARTICLE, selector)
    assert result.method == "fuzzy" and result.score > 0.9
    assert (result.start, result.end) == (selector.start, selector.end + 1)


def test_deleted_quote_is_orphaned():
    selector = _select(ARTICLE, QUOTE)
    result = anchor(ARTICLE.replace(QUOTE + " ", ""), selector)
    assert (result.start, result.end, result.method) == (None, None, "orphaned")
    assert not result.anchored
    assert result.score < 0.75


def test_quote_replaced_by_unrelated_text_is_orphaned():
    selector = _select(ARTICLE, QUOTE)
    unrelated = "A spokesperson for the transport department declined to comment on it."
    result = anchor(ARTICLE.replace(QUOTE, unrelated), selector)
    assert (result.start, result.method) == (None, "orphaned")
    assert 0 < result.score < 0.75


def test_threshold_decides_between_fuzzy_and_orphaned():
    selector = _select(ARTICLE, QUOTE)
    revised = ARTICLE.replace("Critics argue", "Opponents argue")
    assert anchor(revised, selector, threshold=0.99).method == "orphaned"
    assert anchor(revised, selector, threshold=0.8).method == "fuzzy"


# reanchor_all


def test_reanchor_all_follows_anchor_when_a_kept_quote_has_a_nearer_twin():
    block = "Same lead-in for both copies. The mayor said the plan would be put to a public vote."
    old = f"Intro. {block} Middle part of the article. {block} The end."
    quote = "said the plan"
    second = old.rindex(quote)
    selector = describe(old, second, second + len(quote))
    assert old.count(selector.prefix + quote + selector.suffix) == 2
    # Inserting about the distance between the twins puts the first nearer the old position.
    new = "X" * (old.rindex(quote) - old.index(quote) - 5) + old
    expected = anchor(new, selector)
    assert expected.start == new.index(quote)  # the twin, not the kept copy
    assert reanchor_all(old, new, [selector]) == [expected]


def test_reanchor_all_mixes_moved_edited_and_deleted_quotes():
    quotes = [
        "The council met on Tuesday",
        QUOTE,
        "put to a public vote in the spring",
        "citing years of delayed repairs",
    ]
    selectors = [_select(ARTICLE, quote) for quote in quotes]
    revised = ARTICLE.replace("put to a public", "put to a popular").replace(QUOTE + " ", "")
    revised = "Updated. " + revised
    results = reanchor_all(ARTICLE, revised, selectors)
    assert results == [anchor(revised, selector) for selector in selectors]
    assert [r.method for r in results] == ["exact", "orphaned", "fuzzy", "exact"]


# property tests

_INSERTS = st.text(alphabet=string.ascii_letters + " .,\n", max_size=40)


def _sentences(seed: int, count: int) -> list[str]:
    """Random sentences of random words: quotes taken from them are unique and unrelated."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9)))

    return [
        " ".join(word() for _ in range(rng.randint(4, 12))).capitalize() + "." for _ in range(count)
    ]


@st.composite
def articles(draw) -> tuple[str, list[tuple[int, int]]]:
    """A text of random sentences, and the span of each sentence."""
    sentences = _sentences(draw(st.integers(0, 2**32)), draw(st.integers(3, 25)))
    text, spans = "", []
    for sentence in sentences:
        if text:
            text += draw(st.sampled_from([" ", " ", "\n\n"]))
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
    return text, spans


def _edit_outside(data, text: str, spans: list[tuple[int, int]]):
    """Apply random edits that leave every span intact; return the text and moved spans."""
    for _ in range(data.draw(st.integers(1, 4))):
        edges = sorted(spans)
        gaps, covered = [], 0
        for start, end in edges:
            if start >= covered:
                gaps.append((covered, start))
            covered = max(covered, end)
        gaps.append((covered, len(text)))
        low, high = data.draw(st.sampled_from(gaps))
        i = data.draw(st.integers(low, high))
        j = data.draw(st.integers(i, high))
        insert = data.draw(st.one_of(_INSERTS, st.sampled_from([text[s:e] for s, e in spans])))
        text = text[:i] + insert + text[j:]
        shift = len(insert) - (j - i)
        spans = [(s + shift, e + shift) if s >= j else (s, e) for s, e in spans]
    return text, spans


@st.composite
def spans_in(draw, text: str) -> tuple[int, int]:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 150)))
    assume(not text[start:end].isspace())
    return start, end


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_edits_outside_the_quote_keep_it_on_its_quote(data):
    text, _ = data.draw(articles())
    start, end = data.draw(spans_in(text))
    selector = describe(text, start, end)
    new_text, [(new_start, _)] = _edit_outside(data, text, [(start, end)])
    result = anchor(new_text, selector)
    assert result.method in ("position", "exact")
    assert new_text[result.start : result.end] == selector.exact
    if new_text.count(selector.exact) == 1:
        assert result.start == new_start


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_edits_inside_the_quote_find_the_edited_quote_or_orphan(data):
    text, spans = data.draw(articles())
    start, end = data.draw(st.sampled_from(spans))
    selector = describe(text, start, end)
    i = data.draw(st.integers(start, end))
    j = data.draw(st.integers(i, end))
    insert = data.draw(st.text(alphabet=string.ascii_lowercase + " ", max_size=20))
    opening = data.draw(st.sampled_from(["", "A new opening paragraph.\n\n" * 4]))  # moves it
    new_text = opening + text[:i] + insert + text[j:]
    new_start = start + len(opening)
    new_end = new_start + (end - start) + len(insert) - (j - i)
    result = anchor(new_text, selector)
    if result.anchored:
        assert result.start < new_end and new_start < result.end  # overlaps the edited quote
        assert result.method != "fuzzy" or result.score >= 0.75
    if len(insert) <= 1 and j - i <= 1:  # one character edited in a sentence of 12 or more
        assert result.anchored


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_reanchor_all_equals_anchor_for_edits_outside_quotes(data):
    text, sentences = data.draw(articles())
    spans = data.draw(
        st.lists(st.one_of(st.sampled_from(sentences), spans_in(text)), min_size=1, max_size=6)
    )
    selectors = [describe(text, start, end) for start, end in spans]
    new_text, _ = _edit_outside(data, text, spans)
    assert reanchor_all(text, new_text, selectors) == [anchor(new_text, s) for s in selectors]


@settings(max_examples=200, deadline=None)
@given(st.text("abc", min_size=1, max_size=12), st.text("abcd", max_size=20), st.booleans())
def test_edit_distances_agree_with_the_textbook_table(pattern, text, anchored):
    column = list(range(len(pattern) + 1))
    expected = []
    for j, char in enumerate(text, 1):
        row = [j if anchored else 0]
        for i in range(1, len(pattern) + 1):
            row.append(min(column[i] + 1, row[i - 1] + 1, column[i - 1] + (pattern[i - 1] != char)))
        expected.append(row[-1])
        column = row
    assert _edit_distances(pattern, text, anchored=anchored) == expected
