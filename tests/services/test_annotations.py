import pytest

from annotations.models import Annotation, AnnotationEdit, Claim, Tag
from annotations.policy import NotAllowed
from annotations.services.annotations import (
    AnnotationError,
    annotation_create,
    annotation_delete,
    annotation_update,
)
from annotations.services.claims import evidence_link_create
from annotations.services.revisions import article_revise
from annotations.services.votes import vote_cast
from annotations.text.anchor import CONTEXT
from tests.factories import ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db



def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def article(user):
    return ArticleFactory(text=TEXT, created_by=user)


def create(article, author, quote=CRITICS, **kwargs):
    start, end = span(article.current_revision.text, quote)
    return annotation_create(author=author, article=article, start=start, end=end, **{"tag": "opinion", **kwargs})


def test_create_stores_the_quote_with_at_most_32_characters_of_context(article, user):
    annotation = create(article, user)
    start, end = span(TEXT, CRITICS)
    assert (annotation.selector_start, annotation.selector_end, annotation.exact) == (start, end, CRITICS)
    assert annotation.prefix == TEXT[start - CONTEXT : start] and len(annotation.prefix) == 32
    assert annotation.suffix == TEXT[end : end + CONTEXT] and len(annotation.suffix) == 32
    assert (annotation.start, annotation.end, annotation.anchor_state) == (start, end, "anchored")
    assert annotation.revision == annotation.anchored_revision == article.current_revision


def test_context_is_cut_short_at_the_ends_of_the_text(article, user):
    last = create(article, user, quote="Nobody expected it.")
    first = create(article, user, quote="The council approved")
    assert last.suffix == "" and last.prefix == TEXT[-len(last.exact) - CONTEXT : -len(last.exact)]
    assert first.prefix == "Budget Vote In The Council\n"


def test_create_links_every_sentence_the_span_covers(article, user):
    revision = article.current_revision
    by_text = {revision.text[s.start : s.end]: s.pk for s in revision.sentences.all()}
    one = create(article, user)
    two = create(article, user, quote="town. Supporters reply")
    assert [s.pk for s in one.sentences.all()] == [by_text[CRITICS]]
    assert sorted(s.pk for s in two.sentences.all()) == sorted(
        [by_text[CRITICS], by_text["Supporters reply that repairs are overdue."]]
    )


def test_note_is_rendered_and_script_or_javascript_links_are_inert(article, user):
    note = "**Wrong**, see <script>alert('x')</script> and [this](javascript:alert(1)) or [that](https://example.org)"
    annotation = create(article, user, note=note)
    assert annotation.note == note
    assert "<strong>Wrong</strong>" in annotation.note_html
    assert "<script" not in annotation.note_html and "&lt;script&gt;" in annotation.note_html
    assert "href=\"javascript" not in annotation.note_html.replace("'", '"')
    assert 'href="https://example.org"' in annotation.note_html


def test_two_users_tagging_the_same_span_as_a_claim_share_one_claim(article, user):
    first = create(article, user, tag="claim")
    second = create(article, UserFactory(), tag="claim")
    other_span = create(article, user, tag="claim", quote="The vote was close.")
    opinion = create(article, user, tag="opinion")
    assert first.claim is not None and first.claim_id == second.claim_id
    assert first.claim.quote == CRITICS and (first.claim.start, first.claim.end) == span(TEXT, CRITICS)
    assert other_span.claim_id not in (None, first.claim_id)
    assert opinion.claim is None
    assert Claim.objects.count() == 2


def test_offsets_on_a_stale_revision_are_moved_onto_the_current_text(article, user):
    old_start, old_end = span(TEXT, CRITICS)
    article_revise(article=article, text=TEXT.replace("The council", "Last week the council"), user=user)
    annotation = annotation_create(
        author=user, article=article, start=old_start, end=old_end, tag="claim", quote=CRITICS, revision_number=1
    )
    article.refresh_from_db()
    current = article.current_revision
    assert current.number == 2
    assert annotation.revision == current
    assert current.text[annotation.start : annotation.end] == CRITICS
    assert annotation.start == old_start + len("Last week ")


def test_offsets_on_a_stale_revision_whose_passage_is_gone_are_refused(article, user):
    old_start, old_end = span(TEXT, CRITICS)
    article_revise(article=article, text=TEXT.replace(CRITICS + " ", ""), user=user)
    with pytest.raises(AnnotationError) as raised:
        annotation_create(author=user, article=article, start=old_start, end=old_end, tag="opinion", revision_number=1)
    assert raised.value.field == "revision"
    assert "reload" in str(raised.value)
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"start": 10, "end": 10}, "end"),
        ({"start": 30, "end": 20}, "end"),
        ({"start": 0, "end": len(TEXT) + 1}, "end"),
        ({"start": len(TEXT), "end": len(TEXT) + 5}, "start"),
        ({"quote": "Something else entirely"}, "quote"),
        ({"tag": "rumour"}, "tag"),
        ({"note": "x" * 10_001}, "note"),
        ({"revision_number": 7}, "revision"),
        ({"start": 0, "end": 6}, "start"),  # the title is not annotatable
        ({"start": TEXT.index("\n"), "end": TEXT.index("\n") + 1}, "start"),  # whitespace only
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(article, user, change, field):
    start, end = span(TEXT, CRITICS)
    arguments = {"start": start, "end": end, "tag": "claim", **change}
    with pytest.raises(AnnotationError) as raised:
        annotation_create(author=user, article=article, **arguments)
    assert raised.value.field == field
    assert not Annotation.objects.exists() and not Claim.objects.exists()


def test_edits_keep_the_previous_tag_and_note_in_the_history(article, user):
    annotation = create(article, user, tag="opinion", note="first")
    annotation_update(annotation=annotation, user=user, note="second")
    annotation_update(annotation=annotation, user=user, tag="evidence")
    annotation_update(annotation=annotation, user=user, tag="evidence", note="second")  # no change
    edits = list(annotation.edits.all())
    assert [(e.tag, e.note) for e in edits] == [("opinion", "second"), ("opinion", "first")]
    assert all(e.editor == user for e in edits)
    annotation.refresh_from_db()
    assert (annotation.tag, annotation.note, annotation.note_html) == ("evidence", "second", "<p>second</p>\n")


def test_changing_a_claim_to_an_opinion_drops_the_claim_nobody_else_makes(article, user):
    annotation = create(article, user, tag="claim")
    claim_id = annotation.claim_id
    annotation = annotation_update(annotation=annotation, user=user, tag="opinion")
    assert annotation.claim is None
    assert not Claim.objects.filter(pk=claim_id).exists()


def test_a_claim_someone_else_still_makes_or_that_has_evidence_is_kept(article, user):
    mine = create(article, user, tag="claim")
    theirs = create(article, UserFactory(), tag="claim")
    annotation_update(annotation=mine, user=user, tag="opinion")
    assert Claim.objects.filter(pk=theirs.claim_id).exists()

    evidence = create(article, theirs.author, tag="evidence", quote="The vote was close.")
    evidence_link_create(author=theirs.author, evidence=evidence, claim_id=theirs.claim_id, stance="supports")
    annotation_delete(annotation=theirs, user=theirs.author)
    assert Claim.objects.filter(pk=theirs.claim_id).exists()


def test_changing_an_opinion_to_a_claim_joins_the_existing_claim(article, user):
    claim = create(article, UserFactory(), tag="claim").claim
    annotation = annotation_update(annotation=create(article, user), user=user, tag=Tag.CLAIM)
    assert annotation.claim == claim


def test_only_the_author_or_a_moderator_may_edit_or_delete(article, user):
    annotation = create(article, user, note="mine")
    stranger = UserFactory()
    with pytest.raises(NotAllowed):
        annotation_update(annotation=annotation, user=stranger, note="hijacked")
    with pytest.raises(NotAllowed):
        annotation_delete(annotation=annotation, user=stranger)
    annotation.refresh_from_db()
    assert annotation.note == "mine" and not AnnotationEdit.objects.exists()

    moderator = UserFactory(role="moderator")
    annotation_update(annotation=annotation, user=moderator, note="moderated")
    assert annotation.edits.get().editor == moderator
    annotation_delete(annotation=annotation, user=moderator)
    assert not Annotation.objects.exists()


def test_deleting_the_last_claim_annotation_drops_the_claim(article, user):
    annotation = create(article, user, tag="claim")
    annotation_delete(annotation=annotation, user=user)
    assert not Annotation.objects.exists() and not Claim.objects.exists()


def test_a_claim_people_voted_on_stays_when_its_last_annotation_goes(article, user):
    annotation = create(article, user, tag="claim")
    vote_cast(user=UserFactory(), claim_id=annotation.claim_id, value="agree")
    annotation_delete(annotation=annotation, user=user)
    assert Claim.objects.get().votes.count() == 1


def test_every_change_moves_the_stamp_live_readers_poll(article, user):
    stamps = []
    annotation = create(article, user)
    for change in (
        lambda: None,
        lambda: annotation_update(annotation=annotation, user=user, note="new"),
        lambda: annotation_delete(annotation=annotation, user=user),
    ):
        change()
        article.refresh_from_db()
        stamps.append(article.annotations_changed_at)
    assert None not in stamps and stamps == sorted(stamps) and len(set(stamps)) == 3

