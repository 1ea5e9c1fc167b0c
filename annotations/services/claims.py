"""Around a claim: evidence linked to it, and counter-sources attached to it."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from annotations.models import (
    Annotation,
    Article,
    Claim,
    EvidenceLink,
    Source,
    SourceStance,
    Stance,
    Tag,
    TargetType,
)
from annotations.policy import Act, can_see, require
from annotations.services.annotations import AlreadyPosted, AnnotationError, article_touch
from annotations.services.audit import audit_change_by_other
from annotations.text.notes import NOTE_MAX_CHARS

_url_validator = URLValidator(schemes=["http", "https"])


def _check_choice(value: str, choices, field: str) -> None:
    if value not in choices.values:
        raise AnnotationError(f"“{value}” is not one of {', '.join(choices.values)}.", field=field)


def _check_note(note: str) -> None:
    if len(note) > NOTE_MAX_CHARS:
        raise AnnotationError(f"Notes are at most {NOTE_MAX_CHARS:,} characters.", field="note")


def _live_claim(claim_id: int, user: AbstractBaseUser) -> Claim:
    """The claim, locked; one hidden from `user` is as absent as a deleted one."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or not can_see(user, claim):
        raise AnnotationError("That claim does not exist (it may have been deleted).", field="claim")
    return claim


@transaction.atomic
def evidence_link_create(
    *, author: AbstractBaseUser, evidence: Annotation, claim_id: int, stance: str, note: str = ""
) -> EvidenceLink:
    """Link an evidence annotation to a claim, in any article, as supporting or refuting it."""
    require(author, Act.LINK_EVIDENCE, evidence)
    _check_choice(stance, Stance, "stance")
    _check_note(note)
    if evidence.tag != Tag.EVIDENCE:
        raise AnnotationError("Only annotations tagged evidence can be linked to a claim.", field="evidence")
    claim = _live_claim(claim_id, author)
    try:
        with transaction.atomic():
            link = EvidenceLink.objects.create(evidence=evidence, claim=claim, stance=stance, note=note, author=author)
    except IntegrityError:
        raise AnnotationError("This evidence is already linked to that claim.", field="claim") from None
    _touch_both(claim.article_id, evidence.article_id)
    return link


def _touch_both(claim_article_id: int, evidence_article_id: int) -> None:
    """Move the change stamps of the claim's article (its readers and its claim pages poll it)
    and of the evidence's, whose panel lists the evidence's links."""
    for article_id in sorted({claim_article_id, evidence_article_id}):
        article_touch(article_id=article_id)


@transaction.atomic
def evidence_link_delete(*, link: EvidenceLink, user: AbstractBaseUser) -> None:
    require(user, Act.DELETE, link)
    article_ids = (link.claim.article_id, link.evidence.article_id)
    audit_change_by_other(
        actor=user, author=link.author, action="delete", target_type="evidence_link", target_id=link.pk,
        before={"claim": link.claim_id, "evidence": link.evidence_id, "stance": link.stance}, after={},
    )
    link.delete()
    _touch_both(*article_ids)


def _check_url(url: str) -> str:
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise AnnotationError("Links must start with http:// or https://.", field="url")
    try:
        _url_validator(url)
    except ValidationError:
        raise AnnotationError("That is not a valid web address.", field="url") from None
    return url


def _refuse_duplicate(same_sources) -> None:
    existing = same_sources.first()
    if existing is not None:
        raise AlreadyPosted(existing)


@transaction.atomic
def source_create(
    *,
    author: AbstractBaseUser,
    claim_id: int,
    stance: str,
    url: str = "",
    title: str = "",
    note: str = "",
    passage_article: Article | None = None,
    passage_start: int | None = None,
    passage_end: int | None = None,
) -> Source:
    """Attach a counter-source: an external link (never fetched by the server) or a passage of
    an article in the corpus, given by offsets on its current revision.

    Raises AlreadyPosted when the author already attached the same link or passage to this
    claim: the check runs under the claim's row lock, so concurrent duplicates collapse too."""
    require(author, Act.ADD_SOURCE)
    _check_choice(stance, SourceStance, "stance")
    _check_note(note)
    claim = _live_claim(claim_id, author)
    if passage_article is not None:
        if url:
            raise AnnotationError("Give a link or a passage, not both.", field="url")
        revision = passage_article.current_revision
        if passage_start is None or passage_end is None or not (
            0 <= passage_start < passage_end <= len(revision.text)
        ):
            raise AnnotationError("The passage's offsets are outside the article's text.", field="passage_start")
        _refuse_duplicate(Source.objects.filter(
            claim=claim, author=author, passage_article=passage_article,
            passage_start=passage_start, passage_end=passage_end,
        ))
        quote = revision.text[passage_start:passage_end]
        if not quote.strip():
            raise AnnotationError("The passage is only white space.", field="passage_start")
        source = Source.objects.create(
            claim=claim, kind=Source.Kind.PASSAGE, stance=stance, note=note, author=author,
            title=title.strip() or passage_article.title, passage_article=passage_article,
            passage_revision=revision, passage_start=passage_start, passage_end=passage_end, passage_quote=quote,
        )
    else:
        if not url:
            raise AnnotationError("Give a link or a passage of an article.", field="url")
        if not title.strip():
            raise AnnotationError("A link needs a title.", field="title")
        url = _check_url(url)
        _refuse_duplicate(Source.objects.filter(claim=claim, author=author, url=url))
        source = Source.objects.create(
            claim=claim, kind=Source.Kind.LINK, stance=stance, note=note, author=author,
            url=url, title=title.strip(),
        )
    article_touch(article_id=claim.article_id)
    return source


@transaction.atomic
def source_delete(*, source: Source, user: AbstractBaseUser) -> None:
    require(user, Act.DELETE, source)
    audit_change_by_other(
        actor=user, author=source.author, action="delete", target_type=TargetType.SOURCE, target_id=source.pk,
        before={"claim": source.claim_id, "url": source.url, "title": source.title, "stance": source.stance}, after={},
    )
    source_remove(source=source)


def source_remove(*, source: Source) -> None:
    """The deletion itself, inside the caller's transaction: for the moderation queue, which asks
    the policy and writes the audit row of its own resolution."""
    article_id = source.claim.article_id
    source.delete()
    article_touch(article_id=article_id)
