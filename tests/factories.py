"""factory_boy factories for the domain."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.models import Sentence
from annotations.services.annotations import annotation_create
from annotations.services.articles import ArticleMetadata, article_create


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
