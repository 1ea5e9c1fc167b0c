"""factory_boy factories for the domain."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.models import Sentence
from annotations.services.annotations import annotation_create
from annotations.services.articles import ArticleMetadata, article_create
from annotations.text.notes import render_note


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name=extracted or "member")[0])
            self.save()


class ArticleFactory(factory.Factory):
    """Articles go through the service, so their sentences exist as in real use."""

    class Meta:
        model = dict

    text = factory.Sequence(
        lambda n: f"Article number {n}\nThe first claim of article {n} is here. A second sentence follows it.\n"
        f"Another paragraph of article {n} starts. It ends here."
    )
    title = None
    author = None
    created_by = None

    @classmethod
    def _create(cls, model_class, *, text, title, author, created_by, fmt="text"):
        return article_create(
            text=text, fmt=fmt, metadata=ArticleMetadata(title=title, author=author), created_by=created_by
        )

    _build = _create


class AnnotationFactory(factory.Factory):
    """Annotations go through the service. `quote` picks the span (its first occurrence in the
    article's text); by default the article's first annotatable sentence."""

    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)
    tag = "opinion"
    note = ""
    quote = None

    @classmethod
    def _create(cls, model_class, *, author, article, tag, note, quote):
        revision = article.current_revision
        if quote is None:
            sentence = revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index").first()
            start, end = sentence.start, sentence.end
        else:
            start = revision.text.index(quote)
            end = start + len(quote)
        return annotation_create(author=author, article=article, start=start, end=end, tag=tag, note=note)

    _build = _create


class ClaimFactory(factory.Factory):
    """A claim made the way readers make one: someone tags a sentence as a claim."""

    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)

    @classmethod
    def _create(cls, model_class, *, author, article):
        return AnnotationFactory(author=author, article=article, tag="claim").claim

    _build = _create


class LinkSourceFactory(factory.Factory):
    """An external link attached to a claim, through the service."""

    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    claim = factory.SubFactory(ClaimFactory)
    title = factory.Sequence(lambda n: f"Source number {n}")

    @classmethod
    def _create(cls, model_class, *, author, claim, title):
        from annotations.services.claims import source_create

        return source_create(
            author=author, claim_id=claim.pk, stance="contradicts", url="https://example.org/report", title=title,
        )

    _build = _create


class ThreadCommentFactory(factory.django.DjangoModelFactory):
    """A comment written straight to the table (no rate limit, no notifications): for tests of
    what happens to comments afterwards, such as flags and moderation."""

    class Meta:
        model = "annotations.Comment"

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    body_html = factory.LazyAttribute(lambda c: f"<p>{c.body}</p>")


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment in a claim's thread, written straight to the table (no policy, rate limit or
    notifications) so that long threads are quick to build. `parent` puts it under another
    comment, in the same claim's thread at the next depth."""

    class Meta:
        model = "annotations.Comment"

    parent = None
    claim = factory.LazyAttribute(lambda c: c.parent.claim if c.parent else ClaimFactory())
    author = factory.SubFactory(UserFactory)
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 0)
    side = ""
    body = factory.Sequence(lambda n: f"Comment {n} in the thread.")
    body_html = factory.LazyAttribute(lambda c: render_note(c.body))
