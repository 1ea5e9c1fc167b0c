"""Sentence segmentation: ours (annotations.text.segment) against pySBD.

    .venv/bin/python bench/segmentation.py [--repeat N] [--megabytes M]

Builds about 1 MB of text by repeating the sample corpus (REDNOTE_CORPUS_DIR, default
../shared/corpus next to the repository; synthetic text if it is missing), segments it
with ours (with and without the evidence after abbreviations, ``abbreviation_evidence``)
and pySBD (per paragraph, on the same lines), and prints throughput (median of N runs),
the Golden Rules score of each, how many paragraphs needed pySBD, and how many paragraphs
ours without the evidence splits as pySBD does. Then, on each sample article: its
sentences before (pySBD's rules) and after (with the evidence), and every boundary that
changed, with a few words on each side. Pure Python: no Django.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from annotations.text.normalise import normalise  # noqa: E402
from annotations.text.segment import SentenceSpan, segment  # noqa: E402
from tests.text.golden_rules import GOLDEN_RULES  # noqa: E402

CORPUS_DIR = Path(os.environ.get("REDNOTE_CORPUS_DIR") or ROOT / ".." / "shared" / "corpus")


def sample_text(megabytes: float) -> tuple[str, str]:
    """About ``megabytes`` MB of text, and where it came from."""
    files = sorted(CORPUS_DIR.glob("*.txt"))
    if files:
        unit = "\n\n".join(normalise(f.read_text("utf-8")) for f in files)
        origin = f"{len(files)} sample articles from {CORPUS_DIR.resolve()}, repeated"
    else:
        unit = synthetic_text()
        origin = f"synthetic text (no corpus at {CORPUS_DIR})"
    copies = max(1, round(megabytes * 1e6 / len(unit.encode())))
    return "\n\n".join([unit] * copies), origin


def synthetic_text(paragraphs: int = 200) -> str:
    rng = random.Random(0)
    words = [
        "the",
        "app",
        "users",
        "China",
        "U.S.",
        "Mr.",
        "Li",
        "said",
        "prices",
        "3.4",
        "percent",
        "rose",
        "in",
        "2025",
        "and",
        "fell",
    ]
    lines = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(1, 6)):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(4, 20)))
            sentence = body[0].upper() + body[1:] + rng.choice(".....?!")
            sentences.append(f"“{sentence}”" if rng.random() < 0.1 else sentence)
        lines.append(" ".join(sentences))
    return "\n".join(lines)


def ours(text: str, *, abbreviation_evidence: bool = True) -> list[tuple[int, list[str]]]:
    """Our sentences by paragraph (with the evidence after abbreviations by default)."""
    by_paragraph: dict[int, list[str]] = {}
    for s in segment(text, abbreviation_evidence=abbreviation_evidence):
        by_paragraph.setdefault(s.paragraph, []).append(text[s.start : s.end])
    return sorted(by_paragraph.items())


def plain(text: str) -> list[tuple[int, list[str]]]:
    """Our sentences by paragraph without the evidence: pySBD's rules."""
    return ours(text, abbreviation_evidence=False)


def reference(text: str) -> list[tuple[int, list[str]]]:
    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    paragraphs = (line.strip() for line in text.split("\n") if line.strip())
    return [
        (number, [s.sent.strip() for s in seg.segment(p) if s.sent.strip()])
        for number, p in enumerate(paragraphs)
    ]


def timed(fn, text: str, repeat: int) -> tuple[float, list[tuple[int, list[str]]]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def golden_score(split) -> int:
    return sum(split(text) == expected for _, text, expected in GOLDEN_RULES)


def before_and_after() -> None:
    """Sentences per sample article without and with the evidence, and each changed boundary."""
    files = sorted(CORPUS_DIR.glob("*.txt"))
    if not files:
        print(f"\nNo sample corpus at {CORPUS_DIR}: no before and after.")
        return
    print("\nSample articles, sentences before (pySBD's rules) and after (with the evidence):")
    changed = []
    for f in files:
        text = normalise(f.read_text("utf-8"))
        before_spans = segment(text, abbreviation_evidence=False)
        after_spans = segment(text)
        before, after = boundaries(before_spans), boundaries(after_spans)
        print(f"  {f.name:<26}{len(before_spans):>5} -> {len(after_spans)}")
        changed += [(f.name, "+", cut, text) for cut in sorted(after - before)]
        changed += [(f.name, "-", cut, text) for cut in sorted(before - after)]
    print(f"Changed boundaries ({len(changed)}; + new, - removed):")
    for name, sign, (end, start), text in changed:
        left = " ".join(text[:end].split()[-6:])
        right = " ".join(text[start:].split("\n")[0].split()[:6])
        print(f"  {sign} {name[:3]}  …{left} | {right}…")


def boundaries(spans: list[SentenceSpan]) -> set[tuple[int, int]]:
    """(end, next start) of each sentence boundary inside a paragraph."""
    return {
        (a.end, b.start)
        for a, b in zip(spans, spans[1:], strict=False)
        if a.paragraph == b.paragraph
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per segmenter (median)")
    parser.add_argument("--megabytes", type=float, default=1.0, help="size of the text")
    args = parser.parse_args()

    text, origin = sample_text(args.megabytes)
    size = len(text.encode())
    stats: Counter[str] = Counter()
    segment(text, stats=stats)
    # Ours with and without the evidence alternate, so that load on the machine hits both.
    ours_runs = [timed(fn, text, 1) for _ in range(args.repeat) for fn in (ours, plain)]
    ours_time, ours_result = statistics.median(t for t, _ in ours_runs[::2]), ours_runs[0][1]
    plain_time, plain_result = statistics.median(t for t, _ in ours_runs[1::2]), ours_runs[1][1]
    ref_time, ref_result = timed(reference, text, args.repeat)

    pysbd_seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    golden = {
        "ours": golden_score(lambda t: [t[s.start : s.end] for s in segment(t)]),
        "plain": golden_score(
            lambda t: [t[s.start : s.end] for s in segment(t, abbreviation_evidence=False)]
        ),
        "pySBD": golden_score(lambda t: [s.sent.strip() for s in pysbd_seg.segment(t)]),
    }
    same = sum(a == b for a, b in zip(plain_result, ref_result, strict=True))
    paragraphs = len(ref_result)
    rows = [
        ("ours", ours_time, sum(len(s) for _, s in ours_result), golden["ours"]),
        ("ours-plain", plain_time, sum(len(s) for _, s in plain_result), golden["plain"]),
        ("pySBD", ref_time, sum(len(s) for _, s in ref_result), golden["pySBD"]),
    ]

    print(f"Load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Text: {size / 1e6:.2f} MB ({size:,} bytes UTF-8), {paragraphs:,} paragraphs; {origin}")
    print(f"Median of {args.repeat} run(s); MB = 10^6 bytes; ours-plain: without the evidence.\n")
    print(
        f"{'segmenter':<12}{'seconds':>9}{'MB/s':>9}{'sentences':>11}{'sentences/s':>13}"
        f"{'Golden Rules':>14}"
    )
    for name, seconds, count, score in rows:
        print(
            f"{name:<12}{seconds:>9.2f}{size / 1e6 / seconds:>9.2f}{count:>11,}"
            f"{count / seconds:>13,.0f}{f'{score}/{len(GOLDEN_RULES)}':>14}"
        )
    print(f"\nSpeed-up ours/pySBD: {ref_time / ours_time:.1f}x")
    print(f"The evidence costs: {ours_time / plain_time - 1:+.1%} time")
    handed = stats["pysbd"]
    print(
        f"Paragraphs: {stats['fast']:,} fast path, {handed:,} with (part) handed to pySBD"
        f" ({handed / max(1, handed + stats['fast']):.1%})"
    )
    print(f"Ours without the evidence identical to pySBD: {same:,} of {paragraphs:,} paragraphs")
    before_and_after()
    print(f"Load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
