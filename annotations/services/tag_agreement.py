"""Agreement on sentence tags: each sentence's consensus tag (claim, evidence or opinion) and
Krippendorff's alpha per article and for the corpus. The maths is `annotations.consensus.labels`
and `annotations.consensus.alpha`."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotations.consensus import alpha, labels
from annotations.models import Annotation, Article, ArticleAgreement, SentenceLabel, Tag
from annotations.services.bulk import BATCH, chunks

_TAGS = list(Tag.values)


@dataclass(frozen=True)
class Agreement:
    alpha: float | None
    reading: str
    n_units: int
    n_taggers: int


def _agreement(items: np.ndarray, coders: np.ndarray, tags: np.ndarray) -> Agreement:
    a = alpha.krippendorff_alpha_nominal(items, coders, tags) if items.size else float("nan")
    return Agreement(
        alpha=None if np.isnan(a) else a,
        reading=alpha.interpret_alpha(a),
        n_units=int((np.unique(items, return_counts=True)[1] >= 2).sum()),
        n_taggers=int(np.unique(coders).size),
    )


def _tag_triples() -> np.ndarray:
    """(article, sentence, author, tag index) per person and sentence of the articles' current
    text: the tag of that person's annotation covering the sentence, the latest if several."""
    rows = (
        Annotation.sentences.through.objects.filter(sentence__revision_id=F("annotation__article__current_revision_id"))
        .order_by("annotation__created_at", "annotation_id")
        .values_list("annotation__article_id", "sentence_id", "annotation__author_id", "annotation__tag")
    )
    latest = {(sentence, author): (article, _TAGS.index(tag)) for article, sentence, author, tag in rows}
    return np.array(
        sorted((article, sentence, author, tag) for (sentence, author), (article, tag) in latest.items()),
        dtype=np.int64,
    ).reshape(-1, 4)


def _sentence_labels(triples: np.ndarray, wanted: np.ndarray) -> tuple[list[SentenceLabel], str]:
    """Consensus tags of the sentences of the `wanted` articles, from one model of the whole
    corpus, and the method used (see `labels_refresh`)."""
    items, first, item = np.unique(triples[:, 1], return_index=True, return_inverse=True)
    _, worker = np.unique(triples[:, 2], return_inverse=True)
    dawid_skene = items.size >= settings.CONSENSUS_LABEL_MIN_SENTENCES
    method = labels.dawid_skene if dawid_skene else labels.majority_vote
    result = method(
        item, worker, triples[:, 3], n_items=items.size, n_workers=int(worker.max(initial=-1)) + 1,
        n_classes=len(_TAGS),
    )
    article = triples[first, 0]
    rows = [
        SentenceLabel(
            sentence_id=int(items[i]), article_id=int(article[i]), label=_TAGS[result.label[i]],
            confidence=float(result.confidence[i]), n_taggers=int(result.n_annotators[i]),
        )
        for i in np.flatnonzero(np.isin(article, wanted))
    ]
    return rows, "dawid_skene" if dawid_skene else "majority_vote"


def labels_refresh(*, article_ids: Iterable[int] | None = None) -> Agreement:
    """Consensus tag per sentence and Krippendorff's alpha per article, written for these
    articles (all when None); returns the alpha over the whole corpus.

    The tags come from one model of the whole corpus, since how reliable a tagger is belongs to
    the person, not the article. Dawid–Skene needs many tagged sentences to learn that: on
    little data it does worse than counting and can collapse to a uniform posterior. So below
    CONSENSUS_LABEL_MIN_SENTENCES tagged sentences the tag is the majority vote (confidence:
    its share of the votes; ties go to claim, then evidence, then opinion).
    """
    articles = Article.objects.all() if article_ids is None else Article.objects.filter(pk__in=list(article_ids))
    changed = dict(articles.values_list("pk", "annotations_changed_at"))  # before the tags: see ArticleAgreement
    triples = _tag_triples()
    wanted = np.fromiter(changed, dtype=np.int64)
    sentence_labels, method = _sentence_labels(triples, wanted)
    mine = triples[np.isin(triples[:, 0], wanted)]
    bounds = np.flatnonzero(np.diff(mine[:, 0])) + 1
    parts = np.split(mine, bounds) if mine.size else []
    agreements = {int(part[0, 0]): _agreement(part[:, 1], part[:, 2], part[:, 3]) for part in parts}
    untagged = _agreement(*(np.zeros(0, dtype=np.int64),) * 3)
    now = timezone.now()
    with transaction.atomic():
        for chunk in chunks(wanted.tolist()):
            SentenceLabel.objects.filter(article_id__in=chunk).delete()
        SentenceLabel.objects.bulk_create(sentence_labels, batch_size=BATCH)
        ArticleAgreement.objects.bulk_create(
            [
                ArticleAgreement(
                    article_id=pk, alpha=a.alpha, reading=a.reading, n_units=a.n_units, n_taggers=a.n_taggers,
                    label_method=method, source_changed_at=changed[pk], computed_at=now,
                )
                for pk, a in ((pk, agreements.get(pk, untagged)) for pk in changed)
            ],
            batch_size=BATCH, update_conflicts=True, unique_fields=["article"],
            update_fields=["alpha", "reading", "n_units", "n_taggers", "label_method", "source_changed_at", "computed_at"],
        )
    return _agreement(triples[:, 1], triples[:, 2], triples[:, 3])
