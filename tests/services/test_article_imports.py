"""articles_import: many files at once, the same articles as article_create makes one by one."""
import pytest
from django.db import transaction

from annotations.models import Article, Revision, Sentence
from annotations.services.article_imports import ImportFile, articles_import
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_create,
)

pytestmark = pytest.mark.django_db

TEXT = "A Title Line\nBy Ann Author\nThe first sentence is here. The second one follows it.\nA new paragraph."


def shape(article: Article) -> tuple:
    """What a reader sees of an article: its fields and its sentences."""
    revision = article.current_revision
    sentences = list(Sentence.objects.filter(revision=revision).order_by("index").values_list(
        "index", "start", "end", "paragraph", "kind"))
    return (article.title, article.author, article.source, article.language, article.published,
            revision.number, revision.text, revision.segmented_at is not None, sentences)


def test_the_same_article_as_one_made_alone():
    with transaction.atomic():
        expected = shape(article_create(text=TEXT, metadata=ArticleMetadata(source="example.org")))
        transaction.set_rollback(True)
    imported, = articles_import(files=[ImportFile("a.txt", TEXT.encode(), ArticleMetadata(source="example.org"))])
    assert shape(Article.objects.get(pk=imported.pk)) == expected
    assert expected[:2] == ("A Title Line", "Ann Author") and len(expected[-1]) >= 4


def test_each_file_gets_its_article_or_the_reason_it_has_none():
    existing = article_create(text="Already here. In the corpus.")
    outcomes = articles_import(files=[
        ImportFile("one.md", b"# One\n\nThe first *article*."),
        ImportFile("empty.txt", b"   \n"),
        ImportFile("again.txt", b"Already here. In the corpus."),
        ImportFile("notes.pdf", b"%PDF-1.4"),
        ImportFile("two.txt", b"Two\nThe second article."),
        ImportFile("one-again.md", b"# One\n\nThe first *article*."),
    ])
    one, empty, again, pdf, two, one_again = outcomes
    assert isinstance(one, Article) and isinstance(two, Article) and one.title == "One"
    assert isinstance(empty, ArticleError) and "empty" in str(empty)
    assert isinstance(again, DuplicateArticle) and again.existing == existing
    assert isinstance(pdf, ArticleError) and pdf.field == "file"
    assert isinstance(one_again, DuplicateArticle) and one_again.existing == one
    assert Article.objects.count() == 3
    assert Article.objects.get(pk=two.pk).current_revision.sentences.count() == 2


def test_long_texts_are_segmented_after_commit(settings, django_capture_on_commit_callbacks):
    settings.REDNOTE_SYNC_SEGMENT_CHARS = 100
    long_text = "Long Title\n" + " ".join(f"Sentence number {i} is here." for i in range(20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        long, short = articles_import(files=[ImportFile("long.txt", long_text.encode()),
                                             ImportFile("short.txt", b"Short. Text.")])
    assert long.current_revision.segmented_at is None and not long.current_revision.sentences.exists()
    assert short.current_revision.sentences.count() == 2
    assert len(callbacks) == 1
    callbacks[0]()  # tasks run in-process in these tests
    revision = Revision.objects.get(pk=long.current_revision.pk)
    assert revision.segmented_at is not None and revision.sentences.count() == 21
