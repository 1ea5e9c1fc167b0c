"""Consensus from votes and tags: the full refit, refreshing claims between refits, the sweep
that catches up on out-of-date claims, and agreement on sentence tags.

The maths is `annotations.consensus`; this module maps database ids to array indices and back
and writes the results with bulk statements.

- A refit reads every vote, fits the bridging model (vote ≈ μ + i_user + i_claim +
  f_user·f_claim over agree/disagree votes), finds opinion groups, and writes every voter's
  viewpoint and every claim's consensus. It also recomputes every article's tag agreement.
- Between refits a claim is refreshed against the voters' stored intercepts and factors and the
  last refit's μ (`bridging.refresh_claims`); voters the last refit did not see count with
  intercept and factor 0 and no group. Counts, agree share, Wilson interval and group shares
  are always exact.
- A consensus row is written as up to date only if no vote bumped its `version` since the
  computation read it; otherwise it stays dirty and the vote's own task (or the sweep)
  recomputes it.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import chain

import kombu.exceptions
import numpy as np
import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from psycopg.types.json import Jsonb

from annotations.consensus import alpha, bridging, groups, labels
from annotations.consensus.wilson import wilson_interval
from annotations.models import (
    Annotation,
    Article,
    ArticleAgreement,
    Claim,
    ClaimConsensus,
    ConsensusRun,
    SentenceLabel,
    Tag,
    UserViewpoint,
    Vote,
    VoteValue,
)

logger = logging.getLogger(__name__)

BATCH = 5000
"""Rows per bulk statement."""
REFRESH_BATCH = 500
"""Claims refreshed together by the sweep."""
QUEUED_TTL = 30
"""Seconds a queued refresh blocks another one for the same claim (a lost task frees it)."""
QUEUE_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)
"""What a broker or cache that is down raises. The work is then left to the sweep."""

_CLAIM_FIELDS = [
    "votes", "agree", "disagree", "unsure", "agree_share", "wilson_low", "wilson_high", "intercept",
    "factor", "status", "groups", "group_consensus", "divisiveness", "computed_at", "dirty",
]
_TAGS = list(Tag.values)


def thresholds() -> bridging.Thresholds:
    """The status cut-offs from the CONSENSUS_* settings."""
    return bridging.Thresholds(
        min_votes=settings.CONSENSUS_MIN_VOTES,
        agree_intercept=settings.CONSENSUS_AGREE_INTERCEPT,
        max_abs_factor=settings.CONSENSUS_MAX_ABS_FACTOR,
        reject_base=settings.CONSENSUS_REJECT_BASE,
        reject_slope=settings.CONSENSUS_REJECT_SLOPE,
    )


def _chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk_upsert(model, rows: Iterable[dict], *, update_fields: list[str]) -> None:
    """Insert `rows` (dicts from every column's attribute name to its value); where the primary
    key exists already, update `update_fields` (or, when empty, leave the row alone). Call
    inside a transaction.

    On PostgreSQL the rows are COPY'd into a temporary table and merged with one INSERT … ON
    CONFLICT, and no model instances are made: for 100k rows that is several times faster
    than bulk_create, whose time goes into building instances and multi-row INSERTs.
    """
    pk = model._meta.pk
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if update_fields:
            model.objects.bulk_create(
                objs, batch_size=BATCH, update_conflicts=True, unique_fields=[pk.name], update_fields=update_fields
            )
        else:
            model.objects.bulk_create(objs, batch_size=BATCH, ignore_conflicts=True)
        return
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in (model._meta.get_field(f).column for f in update_fields))
    json = [(f.attname, isinstance(f, models.JSONField)) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE consensus_upsert (LIKE {table}) ON COMMIT DROP")
        with cursor.copy(f"COPY consensus_upsert ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([Jsonb(row[name]) if is_json else row[name] for name, is_json in json])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM consensus_upsert "
            f"ON CONFLICT ({quote(pk.column)}) " + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
        )
        cursor.execute("DROP TABLE consensus_upsert")


# ---- Queueing (after commit) --------------------------------------------------------------


def _queued_key(kind: str, pk: int) -> str:
    # Named after the database too, so that deployments and test runs sharing a Redis do not
    # hold back each other's work.
    return f"consensus:queued:{connection.settings_dict['NAME']}:{kind}:{pk}"


def claim_queued_key(claim_id: int) -> str:
    return _queued_key("claim", claim_id)


def article_queued_key(article_id: int) -> str:
    return _queued_key("article", article_id)


def _enqueue_once(key: str, task, pk: int) -> None:
    """Queue `task(pk)` unless the same one is queued and not started yet. The task deletes the
    key before it reads anything, so changes made while it runs queue it again."""
    try:
        if cache.add(key, 1, timeout=QUEUED_TTL):
            try:
                task.delay(pk)
            except QUEUE_ERRORS:
                cache.delete(key)
                raise
    except QUEUE_ERRORS as error:
        logger.warning("Could not queue %s(%s), the sweep will catch up: %s", task.name, pk, error)


def enqueue_claim_refresh(claim_id: int) -> None:
    from annotations.tasks import refresh_claim_consensus

    _enqueue_once(claim_queued_key(claim_id), refresh_claim_consensus, claim_id)


def enqueue_article_agreement(article_id: int) -> None:
    from annotations.tasks import refresh_article_agreement

    _enqueue_once(article_queued_key(article_id), refresh_article_agreement, article_id)


def enqueue_refit() -> None:
    from annotations.tasks import refit_consensus

    try:
        refit_consensus.delay()
    except QUEUE_ERRORS as error:
        logger.warning("Could not queue a refit, the scheduled one will catch up: %s", error)


# ---- Per-claim numbers ------------------------------------------------------------------


@dataclass
class _ClaimVotes:
    """Votes on K claims: per vote the claim's index (0..K-1), the value (1, -1, 0) and the
    voter's opinion group (−1: none)."""

    claim_ids: np.ndarray
    index: np.ndarray
    value: np.ndarray
    group: np.ndarray


def _claim_rows(
    votes: _ClaimVotes, intercept: np.ndarray, factor: np.ndarray, group_sizes: list[int], now
) -> list[dict]:
    """Consensus rows (as for `_bulk_upsert`) for every claim in `votes.claim_ids`, given the
    model's estimates; not dirty, at version 0 if new."""
    k = votes.claim_ids.size
    agree = np.bincount(votes.index, weights=votes.value == VoteValue.AGREE, minlength=k).astype(np.int64)
    disagree = np.bincount(votes.index, weights=votes.value == VoteValue.DISAGREE, minlength=k).astype(np.int64)
    total = np.bincount(votes.index, minlength=k)
    rated = agree + disagree
    status = bridging.statuses(intercept, factor, rated, thresholds())

    n_groups = len(group_sizes)
    voter = np.arange(votes.index.size)
    g_agree, g_seen = groups.group_agree_shares(votes.group, voter, votes.index, votes.value, k, n_groups)
    g_disagree, _ = groups.group_agree_shares(votes.group, voter, votes.index, -votes.value, k, n_groups)
    grouped = g_seen.sum(axis=0) > 0  # never true without groups
    group_consensus = groups.group_aware_consensus(g_agree, g_seen) if n_groups else np.zeros(k)
    divisiveness = groups.divisiveness(g_agree, g_seen) if n_groups else np.zeros(k)

    rows = []
    for c in range(k):
        low, high = wilson_interval(int(agree[c]), int(total[c]))
        rows.append(
            dict(
                claim_id=int(votes.claim_ids[c]),
                votes=int(total[c]),
                agree=int(agree[c]),
                disagree=int(disagree[c]),
                unsure=int(total[c] - rated[c]),
                agree_share=float(agree[c] / total[c]) if total[c] else None,
                wilson_low=low if total[c] else None,
                wilson_high=high if total[c] else None,
                intercept=float(intercept[c]) if rated[c] else None,
                factor=float(factor[c]) if rated[c] else None,
                status=str(status[c]),
                groups=[
                    {
                        "group": g,
                        "members": group_sizes[g],
                        "agree": int(g_agree[g, c]),
                        "disagree": int(g_disagree[g, c]),
                        "unsure": int(g_seen[g, c] - g_agree[g, c] - g_disagree[g, c]),
                        "share": float(g_agree[g, c] / g_seen[g, c]) if g_seen[g, c] else None,
                    }
                    for g in range(n_groups)
                ],
                group_consensus=float(group_consensus[c]) if grouped[c] else None,
                divisiveness=float(divisiveness[c]) if grouped[c] else None,
                computed_at=now,
                dirty=False,
                dirty_at=None,
                version=0,
            )
        )
    return rows


def _save_claim_rows(rows: list[dict], read_versions: dict[int, int], *, every_row: bool) -> None:
    """Write consensus rows in one transaction. A row is left dirty if a vote bumped its version
    after `read_versions` was taken (the rows are locked first, so no vote slips in between).

    Locks are taken in the order votes take them, claims then consensus rows, each by id: the
    claims whose row did not exist when `read_versions` was read (so that they cannot go before
    their row is inserted), then the consensus rows.
    """
    with transaction.atomic():
        fresh = sorted(row["claim_id"] for row in rows if row["claim_id"] not in read_versions)
        live: set[int] = set()
        for chunk in _chunks(fresh):
            claims = Claim.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
            live.update(claims.values_list("pk", flat=True))
        locked = ClaimConsensus.objects.select_for_update().order_by("claim_id")
        if every_row:
            current = dict(locked.values_list("claim_id", "version"))
        else:
            current = {}
            for chunk in _chunks(sorted(row["claim_id"] for row in rows)):
                current.update(locked.filter(claim_id__in=chunk).values_list("claim_id", "version"))
        existing, new = [], []
        for row in rows:
            if row["claim_id"] in current:
                row["dirty"] = current[row["claim_id"]] != read_versions.get(row["claim_id"], 0)
                existing.append(row)
            elif row["claim_id"] in live:
                new.append(row)
        _bulk_upsert(ClaimConsensus, existing, update_fields=_CLAIM_FIELDS)
        # A vote may have inserted the row meanwhile: its version wins and the row stays dirty.
        _bulk_upsert(ClaimConsensus, new, update_fields=[])


# ---- Refreshing claims between refits -------------------------------------------------------


def latest_fitted_run() -> ConsensusRun | None:
    """The newest refit whose model (μ, voters' viewpoints) has been written."""
    return ConsensusRun.objects.filter(mu__isnull=False).order_by("-started_at", "-id").first()


def claims_refresh(*, claim_ids: Iterable[int]) -> None:
    """Recompute these claims from all their current votes against the last refit's model.
    Idempotent. With no refit yet, runs the first one instead."""
    ids = np.unique(np.fromiter(claim_ids, dtype=np.int64))
    if ids.size == 0:
        return
    run = latest_fitted_run()
    if run is None:
        consensus_refit()
        return
    id_list = ids.tolist()
    read_versions = dict(ClaimConsensus.objects.filter(claim_id__in=id_list).values_list("claim_id", "version"))
    ids = np.array(sorted(Claim.objects.filter(pk__in=id_list).values_list("pk", flat=True)), dtype=np.int64)
    rows = Vote.objects.filter(claim_id__in=ids.tolist()).values_list(
        "claim_id", "value", "user__viewpoint__intercept", "user__viewpoint__factor", "user__viewpoint__group"
    )
    # Voters the last refit did not see: intercept and factor 0, no group.
    table = np.array(
        [(c, v, i or 0.0, f or 0.0, -1 if g is None else g) for c, v, i, f, g in rows], dtype=np.float64
    ).reshape(-1, 5)
    votes = _ClaimVotes(
        claim_ids=ids,
        index=np.searchsorted(ids, table[:, 0].astype(np.int64)),
        value=table[:, 1].astype(np.int64),
        group=table[:, 4].astype(np.int64),
    )
    rated = votes.value != VoteValue.UNSURE
    # Each rating is its own "user" to refresh_claims: it only needs the rater's parameters.
    frozen = bridging.BridgingFit(
        mu=run.mu,
        user_intercept=table[rated, 2],
        user_factor=table[rated, 3],
        claim_intercept=np.zeros(0),
        claim_factor=np.zeros(0),
        n_iter=0,
        converged=True,
        claim_ridge=(run.claim_ridge_intercept, run.claim_ridge_factor),
    )
    intercept, factor = bridging.refresh_claims(
        frozen,
        np.arange(int(rated.sum())),
        votes.index[rated],
        (votes.value[rated] == VoteValue.AGREE).astype(np.float64),
        claim_ids_subset=np.arange(ids.size),
    )
    _save_claim_rows(_claim_rows(votes, intercept, factor, run.group_sizes, timezone.now()), read_versions, every_row=False)


def consensus_sweep() -> int:
    """Refresh every out-of-date claim (all of them by a refit if there has been none yet) and
    every article whose tags changed since its agreement was computed. Returns how many claims
    were out of date."""
    from annotations.selectors.consensus import stale_agreement_articles

    dirty = list(ClaimConsensus.objects.filter(dirty=True).order_by("dirty_at").values_list("claim_id", flat=True))
    if latest_fitted_run() is None:
        if dirty or Vote.objects.exists():
            consensus_refit()
    else:
        for chunk in _chunks(dirty, REFRESH_BATCH):
            claims_refresh(claim_ids=chunk)
    stale = list(stale_agreement_articles().values_list("pk", flat=True))
    if stale:
        labels_refresh(article_ids=stale)
    return len(dirty)


# ---- The full refit -------------------------------------------------------------------------


_PACKED_VOTE = np.dtype([("user", ">i8"), ("claim", ">i8"), ("value", ">i2")])
PACKED_CHUNK = 1_000_000
"""Vote ids per packed value: 18 MB, well below PostgreSQL's 1 GB per value (and faster than larger)."""


def read_votes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every vote as (user id, claim id, value) arrays.

    On PostgreSQL the votes are packed server-side, 18 big-endian bytes each, into one bytea
    per range of ids, so that the client receives a few large values instead of a million
    rows (about a third of the time for a million votes). Elsewhere rows are streamed.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Vote._meta.db_table)
        packed = f"""SELECT string_agg(int8send(user_id::bigint) || int8send(claim_id::bigint)
            || int2send(value::smallint), ''::bytea) FROM {table} WHERE id >= %s AND id < %s"""
        parts = []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT min(id), max(id) FROM {table}")
            low, high = cursor.fetchone()
            for start in range(low or 0, (high or -1) + 1, PACKED_CHUNK):
                cursor.execute(packed, [start, start + PACKED_CHUNK])
                data = cursor.fetchone()[0]
                parts.append(np.frombuffer(data or b"", dtype=_PACKED_VOTE))
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=_PACKED_VOTE)
        return rows["user"].astype(np.int64), rows["claim"].astype(np.int64), rows["value"].astype(np.int64)
    rows = Vote.objects.order_by().values_list("user_id", "claim_id", "value").iterator(chunk_size=20_000)
    table = np.fromiter(chain.from_iterable(rows), dtype=np.int64).reshape(-1, 3)
    return table[:, 0], table[:, 1], table[:, 2]


def _fit(users, claims, values, n_users: int, n_claims: int) -> bridging.BridgingFit:
    """The bridging fit; with no agree or disagree votes at all, everything at zero and the
    penalties of one rating per claim (so that refreshes have a well-posed problem)."""
    if values.size:
        return bridging.fit(users, claims, values, n_users=n_users, n_claims=n_claims)
    zeros = np.zeros(n_users), np.zeros(n_users), np.zeros(n_claims), np.zeros(n_claims)
    return bridging.BridgingFit(0.0, *zeros, n_iter=0, converged=True, claim_ridge=(0.15, 0.03))  # fit()'s λ


def _replace_viewpoints(user_ids: np.ndarray, intercept: np.ndarray, factor: np.ndarray, group: np.ndarray) -> None:
    """Every voter's viewpoint from this refit in place of the last one's (people with no votes
    left lose theirs). Call inside a transaction; readers see the old rows until it commits.
    On PostgreSQL one COPY of text (floats by repr: exact)."""
    UserViewpoint.objects.all().delete()
    rows = zip(user_ids.tolist(), intercept.tolist(), factor.tolist(), group.tolist(), strict=True)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor, cursor.copy(
            f"COPY {quote(UserViewpoint._meta.db_table)} (user_id, intercept, factor, {quote('group')}) FROM STDIN"
        ) as copy:
            copy.write("".join(f"{pk}\t{i!r}\t{f!r}\t{g}\n" for pk, i, f, g in rows))
    else:
        UserViewpoint.objects.bulk_create(
            (UserViewpoint(user_id=pk, intercept=i, factor=f, group=g) for pk, i, f, g in rows), batch_size=BATCH
        )


def consensus_refit() -> ConsensusRun:
    """Fit the model on every vote and rewrite every voter's viewpoint and every claim's
    consensus, then every article's tag agreement. Idempotent: with no new votes the same
    numbers are written again."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()

    th = thresholds()
    run = ConsensusRun.objects.create(started_at=timezone.now(), thresholds=asdict(th))
    read_versions = dict(ClaimConsensus.objects.values_list("claim_id", "version"))
    user_id, claim_id, value = read_votes()
    lap("read")

    user_ids, u = np.unique(user_id, return_inverse=True)
    claim_ids, c = np.unique(np.concatenate([claim_id, np.fromiter(read_versions, dtype=np.int64)]), return_inverse=True)
    c = c[: claim_id.size]  # claims with a row but no votes any more are rewritten as empty
    rated = value != VoteValue.UNSURE
    fit = _fit(u[rated], c[rated], (value[rated] == VoteValue.AGREE).astype(np.float64), user_ids.size, claim_ids.size)
    lap("fit")
    group = groups.opinion_groups(
        u, c, value, n_users=user_ids.size, n_claims=claim_ids.size, max_groups=settings.CONSENSUS_MAX_GROUPS
    )
    group_sizes = np.bincount(group[group >= 0], minlength=int(group.max(initial=-1)) + 1).tolist()
    lap("groups")

    rows = _claim_rows(
        _ClaimVotes(claim_ids=claim_ids, index=c, value=value, group=group[u]),
        fit.claim_intercept, fit.claim_factor, group_sizes, timezone.now(),
    )
    lap("claims")

    with transaction.atomic():
        _replace_viewpoints(user_ids, fit.user_intercept, fit.user_factor, group)
        # Refreshes use the newest run with μ set: its model and groups go in with the viewpoints.
        run.mu = fit.mu
        run.claim_ridge_intercept, run.claim_ridge_factor = fit.claim_ridge
        run.n_groups, run.group_sizes = len(group_sizes), group_sizes
        run.save(update_fields=["mu", "claim_ridge_intercept", "claim_ridge_factor", "n_groups", "group_sizes"])
    lap("write_viewpoints")
    _save_claim_rows(rows, read_versions, every_row=True)
    lap("write_claims")
    corpus = labels_refresh()
    lap("labels")

    run.n_votes, run.n_ratings = int(value.size), int(rated.sum())
    run.n_users, run.n_claims = int(user_ids.size), int(np.unique(c).size)
    run.n_iter, run.converged = fit.n_iter, fit.converged
    run.corpus_alpha, run.corpus_units, run.corpus_taggers = corpus.alpha, corpus.n_units, corpus.n_taggers
    run.seconds = timings
    run.finished_at = timezone.now()
    run.save()
    return run


# ---- Agreement on sentence tags ---------------------------------------------------------------


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
        for chunk in _chunks(wanted.tolist()):
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

