"""Sentence segmentation: ours (annotations.text.segment) against pySBD.

    .venv/bin/python bench/segmentation.py [--repeat N] [--megabytes M]

Builds about 1 MB of text by repeating the sample corpus (REDNOTE_CORPUS_DIR, default
../shared/corpus next to the repository; synthetic text if it is missing), segments it
with both (pySBD per paragraph, on the same lines), and prints throughput (median of N
runs), the Golden Rules score of both, how many paragraphs needed pySBD, and how many
paragraphs the two split identically. Pure Python: no Django.
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
from annotations.text.segment import segment  # noqa: E402
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


def ours(text: str) -> list[tuple[int, list[str]]]:
    by_paragraph: dict[int, list[str]] = {}
    for s in segment(text):
        by_paragraph.setdefault(s.paragraph, []).append(text[s.start : s.end])
    return sorted(by_paragraph.items())


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per segmenter (median)")
    parser.add_argument("--megabytes", type=float, default=1.0, help="size of the text")
    args = parser.parse_args()

    text, origin = sample_text(args.megabytes)
    size = len(text.encode())
    stats: Counter[str] = Counter()
    segment(text, stats=stats)
    ours_time, ours_result = timed(ours, text, args.repeat)
    ref_time, ref_result = timed(reference, text, args.repeat)

    pysbd_seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    golden = {
        "ours": golden_score(lambda t: [t[s.start : s.end] for s in segment(t)]),
        "pySBD": golden_score(lambda t: [s.sent.strip() for s in pysbd_seg.segment(t)]),
    }
    same = sum(a == b for a, b in zip(ours_result, ref_result, strict=True))
    paragraphs = len(ref_result)
    rows = [
        ("ours", ours_time, sum(len(s) for _, s in ours_result), golden["ours"]),
        ("pySBD", ref_time, sum(len(s) for _, s in ref_result), golden["pySBD"]),
    ]

    print(f"Text: {size / 1e6:.2f} MB ({size:,} bytes UTF-8), {paragraphs:,} paragraphs; {origin}")
    print(f"Median of {args.repeat} run(s); MB = 10^6 bytes.\n")
    print(
        f"{'segmenter':<10}{'seconds':>9}{'MB/s':>9}{'sentences':>11}{'sentences/s':>13}{'Golden Rules':>14}"
    )
    for name, seconds, count, score in rows:
        print(
            f"{name:<10}{seconds:>9.2f}{size / 1e6 / seconds:>9.2f}{count:>11,}"
            f"{count / seconds:>13,.0f}{f'{score}/{len(GOLDEN_RULES)}':>14}"
        )
    print(f"\nSpeed-up ours/pySBD: {ref_time / ours_time:.1f}x")
    handed = stats["pysbd"]
    print(
        f"Paragraphs: {stats['fast']:,} fast path, {handed:,} with (part) handed to pySBD"
        f" ({handed / max(1, handed + stats['fast']):.1%})"
    )
    print(f"Identical to pySBD: {same:,} of {paragraphs:,} paragraphs")


if __name__ == "__main__":
    main()
