import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.document import KINDS, analyse
from annotations.text.normalise import normalise
from annotations.text.segment import segment


def analysed(corpus, prefix: str, *, use_manifest: bool = True):
    name = corpus.name(prefix)
    entry = corpus.manifest[name] if use_manifest else {}
    document = analyse(corpus.texts[name], title=entry.get("title"), author=entry.get("author"))
    return document, document.text


def kinds_of(document, text: str) -> dict[str, str]:
    """Sentence text -> kind (the first occurrence wins)."""
    result: dict[str, str] = {}
    for s in document.sentences:
        result.setdefault(text[s.start : s.end], s.kind)
    return result


def test_000_first_line_is_the_title(corpus):
    document, text = analysed(corpus, "000")
    first = document.sentences[0]
    assert text[first.start : first.end] == text.split("\n")[0] == document.title
    assert first.kind == "title"
    assert document.sentences[1].kind == "content"


def test_001_repeated_title_lines_are_both_title(corpus):
    document, text = analysed(corpus, "001")
    titles = [s for s in document.sentences if s.kind == "title"]
    assert [s.paragraph for s in titles] == [0, 1]
    assert {text[s.start : s.end] for s in titles} == {document.title}
    assert document.sentences[2].kind == "content"


def test_001_headings_and_comment_counter(corpus):
    document, _ = analysed(corpus, "001")
    kinds = kinds_of(document, document.text)
    assert kinds["Moving Forward"] == "heading"
    assert kinds["0 comment"] == "boilerplate"
    assert document.sentences[-1].kind == "boilerplate"
    assert document.sentences[-2].kind == "content"


def test_003_tracking_token_title_and_byline(corpus):
    for use_manifest in (True, False):
        document, text = analysed(corpus, "003", use_manifest=use_manifest)
        kinds = [(text[s.start : s.end], s.kind) for s in document.sentences[:4]]
        assert kinds[0] == ("fbpx", "boilerplate")
        assert kinds[1][1] == "title" and kinds[1][0] == document.title
        assert kinds[2] == ("By Joel Wong", "byline")
        assert kinds[3][1] == "content"
        assert document.title.startswith("The Great Migration of TikTok")
        assert document.byline == "Joel Wong"


def test_003_comment_form_is_boilerplate(corpus):
    document, text = analysed(corpus, "003")
    kinds = kinds_of(document, text)
    assert kinds["LEAVE YOUR COMMENT"] == "boilerplate"
    assert kinds["Your email address will not be published."] == "boilerplate"
    assert kinds["Required fields are marked *"] == "boilerplate"
    assert kinds["Public Safety"] == "heading"


def test_004_references_footer_and_what_follows_are_boilerplate(corpus):
    document, text = analysed(corpus, "004")
    footer = next(s for s in document.sentences if text[s.start : s.end] == "Reference(s):")
    after = [s for s in document.sentences if s.index >= footer.index]
    assert len(after) == 3
    assert all(s.kind == "boilerplate" for s in after)
    before = [s for s in document.sentences if s.index < footer.index]
    assert all(s.kind == "content" for s in before)


def test_002_without_title_has_none_and_starts_with_content(corpus):
    document, _ = analysed(corpus, "002")
    assert corpus.manifest[corpus.name("002")]["title"] is None
    assert document.title is None
    assert document.byline is None
    assert document.sentences[0].kind == "content"


def test_sentences_round_trip_on_every_article(corpus):
    for name, text in corpus.texts.items():
        document = analyse(text, title=corpus.manifest[name]["title"])
        assert [s.index for s in document.sentences] == list(range(len(document.sentences)))
        assert [(s.start, s.end, s.paragraph) for s in document.sentences] == [
            (s.start, s.end, s.paragraph) for s in segment(text)
        ]
        assert {s.kind for s in document.sentences} <= set(KINDS)


def test_title_found_without_a_manifest():
    text = "fbpx\n\nA Quiet Revolution\nA Quiet Revolution\nBy Ann Lee\nIt began. It grew.\nNext Steps\nMore."
    document = analyse(text)
    assert document.title == "A Quiet Revolution"
    assert document.byline == "Ann Lee"
    assert [s.kind for s in document.sentences] == [
        "boilerplate",
        "title",
        "title",
        "byline",
        "content",
        "content",
        "heading",
        "content",
    ]


@pytest.mark.parametrize(
    "first_line",
    [
        "This first line is a sentence.",
        "lowercase start without punctuation",
        "A line that ends with a colon:",
    ],
)
def test_first_line_that_is_not_a_title(first_line):
    document = analyse(f"{first_line}\nThe body follows here.")
    assert document.title is None
    assert document.sentences[0].kind == "content"


def test_given_title_matches_ignoring_case_spaces_and_quotes():
    document = analyse("THE  “BIG”   day\nBody text.", title="The 'big' day")
    assert document.title == "The 'big' day"
    assert [s.kind for s in document.sentences] == ["title", "content"]


def test_short_last_line_is_content_not_heading():
    document = analyse("Intro sentence here.\nShort Line\nBody text.\nThanks for reading")
    assert [s.kind for s in document.sentences] == ["content", "heading", "content", "content"]


@pytest.mark.parametrize(
    "line",
    ["12 comments", "Leave a Reply", "Share this:", "Share on Facebook", "References:"],
)
def test_site_boilerplate(line):
    document = analyse(f"Body sentence.\n{line}\nAfter.")
    assert document.sentences[1].kind == "boilerplate"


def test_analyse_wants_normalised_text():
    with pytest.raises(ValueError, match="normalise"):
        analyse("Windows line end.\r\nNext.")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab AZ.?:\n#*'“”")), max_size=200))
def test_any_text_gets_one_kind_per_sentence(raw):
    text = normalise(raw)
    document = analyse(text)
    assert [(s.start, s.end) for s in document.sentences] == [
        (s.start, s.end) for s in segment(text)
    ]
    assert {s.kind for s in document.sentences} <= set(KINDS)
    if document.title is not None:
        assert any(s.kind == "title" for s in document.sentences)
