"""A small hand-made corpus for the writers' tests: text with an emoji (two code points: 🌬️ is
U+1F32C U+FE0F), a combining mark that NFC keeps apart (n + U+0308), CJK, and an evidence span
across a line break; raw annotations by three annotators, one orphaned; claims, evidence links
(one across documents), sources, comments and agreement."""
from __future__ import annotations

from annotations.exporters.rows import (
    AgreementFigure,
    Annotation,
    ClaimRow,
    CommentRow,
    CorpusData,
    Document,
    DocumentBundle,
    ExportMeta,
    Relation,
    Sentence,
    SourceRow,
)

T0 = "2024-05-01T10:00:00Z"
T1 = "2024-05-02T11:30:00+00:00"
ANN_A, ANN_B, ANN_C = "annotator-aaaaaaaaaaaa", "annotator-bbbbbbbbbbbb", "annotator-cccccccccccc"

TEXT1 = (
    "Wind is the cheapest power. 🌬️ Prices fell by 70%\n"
    "since 2010, says Spin\u0308al Tap.\n"
    "I think that is great."
)
TEXT2 = "风能是最便宜的能源。煤炭更贵。"

CLAIM_1 = "Wind is the cheapest power."  # 0-27
EVIDENCE_1 = "Prices fell by 70%\nsince 2010"  # 31-60: across the line break
EVIDENCE_2 = "says Spin\u0308al Tap"  # 62-78: 16 code points, the combining mark one of them
OPINION_1 = "I think that is great."  # 80-102
CLAIM_2 = "风能是最便宜的能源。"  # 0-10


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def annotation(aid, doc_id, text, quote, tag, annotator, *, note="", claim_id=None) -> Annotation:
    start, end = span(text, quote)
    return Annotation(aid, doc_id, 3, start, end, quote, tag, note, annotator, T0, T1, "anchored", claim_id)


def documents() -> list[DocumentBundle]:
    doc1 = Document(1, "Wind power", "Ann Author", "https://example.org/wind", "2024-04-30", "en", 3, TEXT1, "train")
    doc2 = Document(2, "风能", "", "", None, "zh", 3, TEXT2, "test")
    anns1 = [
        annotation(101, 1, TEXT1, CLAIM_1, "claim", ANN_A, claim_id=10),
        annotation(102, 1, TEXT1, CLAIM_1, "claim", ANN_B, note="Is it *really*?\nCheck\tthis.", claim_id=10),
        annotation(103, 1, TEXT1, EVIDENCE_1, "evidence", ANN_A, note="IEA report"),
        annotation(104, 1, TEXT1, EVIDENCE_2, "evidence", ANN_B),
        annotation(105, 1, TEXT1, OPINION_1, "opinion", ANN_B),
        Annotation(106, 1, 2, None, None, "Coal is dead.", "claim", "", ANN_A, T0, T1, "orphaned", 11),
    ]
    s = [span(TEXT1, q) for q in ("Wind is the cheapest power.", "🌬️ Prices fell by 70%\nsince 2010, says Spin\u0308al Tap.", OPINION_1)]
    sentences1 = [
        Sentence(1, 0, *s[0], "content", "claim", 1.0, 2),
        Sentence(1, 1, *s[1], "content", "evidence", 1.0, 2),
        Sentence(1, 2, *s[2], "content", "opinion", 1.0, 1),
    ]
    claims1 = [
        ClaimRow(10, 1, 0, 27, CLAIM_1, 2, {"agree": 5, "disagree": 1, "unsure": 1}, 5 / 7, 0.36, 0.92, 0.41, -0.12,
                 "agreed", [{"group": 0, "agree": 3, "disagree": 0, "unsure": 1}, {"group": 1, "agree": 2, "disagree": 1, "unsure": 0}]),
        ClaimRow(11, 1, None, None, "Coal is dead.", 1, {"agree": 0, "disagree": 0, "unsure": 0}, None, None, None,
                 None, None, "not_enough_votes", []),
    ]
    relations1 = [
        Relation(201, "supports", 103, 10, ANN_A, "see the table", T0),
        Relation(202, "refutes", 104, 10, ANN_B, "", T0),
        Relation(203, "supports", 103, 20, ANN_A, "", T1),  # the claim is in document 2
    ]
    sources1 = [
        SourceRow(301, 10, "supports", "url", "https://example.org/iea", "IEA 2024", None, None, None, None, ANN_B, "", T0),
        SourceRow(302, 10, "supports", "passage", None, "风能", 2, 0, 10, CLAIM_2, ANN_C, "same claim", T1),
    ]
    comments1 = [
        CommentRow(401, 10, None, "supports", "Yes, **see** the IEA.", ANN_A, T0),
        CommentRow(402, 10, 401, None, "Which year?", ANN_C, T1),
    ]
    anns2 = [annotation(107, 2, TEXT2, CLAIM_2, "claim", ANN_C, claim_id=20)]
    sentences2 = [Sentence(2, 0, 0, 10, "content", "claim", 1.0, 1), Sentence(2, 1, 10, 15, "content", None, None, 0)]
    claims2 = [ClaimRow(20, 2, 0, 10, CLAIM_2, 1, {"agree": 1, "disagree": 0, "unsure": 0}, 1.0, 0.21, 1.0, None, None,
                        "not_enough_votes", [])]
    return [
        DocumentBundle(doc1, sentences1, anns1, claims1, relations1, sources1, comments1,
                       AgreementFigure(0.62, "moderate", 2, 2)),
        DocumentBundle(doc2, sentences2, anns2, claims2, (), (), (), AgreementFigure(None, "no data", 0, 1)),
    ]


META = ExportMeta(
    app_version="0.1.0",
    created="2024-06-01T12:00:00Z",
    filters={"tags": ["claim", "evidence", "opinion"]},
    license="cc-by-4.0",
    citation="@misc{rednote2024, title={Wind corpus}}",
    base_uri="https://rednote.example.org",
)


def corpus(**meta_changes) -> CorpusData:
    meta = META if not meta_changes else ExportMeta(**{**{f: getattr(META, f) for f in META.__slots__}, **meta_changes})
    return CorpusData(meta, documents(), AgreementFigure(0.55, "moderate", 2, 3))
