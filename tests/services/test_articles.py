import pytest

from annotations.models import Article, Sentence
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_create,
    article_import_file,
    article_import_path,
    metadata_from_manifest,
)

pytestmark = pytest.mark.django_db

TEXT = "A Plain Title\nThe sky is blue. Water is wet!\nMoving On\nIs this the end? It is."


def test_create_stores_normalised_text_and_sentences_whose_offsets_round_trip():
    article = article_create(text=TEXT.replace("\n", "\r\n") + "  \r\n")
    revision = article.current_revision
    assert revision.text == TEXT
    sentences = list(revision.sentences.order_by("index"))
    texts = [revision.text[s.start : s.end] for s in sentences]
    assert "The sky is blue." in texts and "Water is wet!" in texts
    assert [s.kind for s in sentences if revision.text[s.start : s.end] == "Moving On"] == ["heading"]
    assert article.title == "A Plain Title"
    assert revision.segmented_at is not None


def test_same_text_twice_is_refused_and_nothing_new_is_saved():
    first = article_create(text=TEXT)
    with pytest.raises(DuplicateArticle) as raised:
        article_create(text=TEXT + "\n\n")
    assert raised.value.existing == first
    assert Article.objects.count() == 1


@pytest.mark.parametrize("text", ["", "   \n\t  ", "<p> </p>"])
def test_empty_input_is_refused_and_nothing_is_saved(text):
    with pytest.raises(ArticleError):
        article_create(text=text, fmt="html")
    assert Article.objects.count() == 0


def test_html_upload_keeps_text_and_paragraphs_but_no_markup():
    html = (
        b"<html><head><title>x</title><script>alert('owned')</script></head><body>"
        b"<h1>Heading One</h1><p onclick='evil()'>First <b>bold</b> sentence. Second one.</p>"
        b"<p>Last &amp; final.</p></body></html>"
    )
    article = article_import_file(data=html, filename="page.html")
    text = article.current_revision.text
    assert "alert" not in text and "<" not in text and "onclick" not in text
    assert "First bold sentence. Second one." in text
    assert "Last & final." in text
    paragraphs = {s.paragraph for s in article.current_revision.sentences.all()}
    assert len(paragraphs) == 3


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02binary\x00", "blob.txt", "binary"),
        ("caf\u00e9".encode("latin-1") + b" au lait", "latin.txt", "UTF-8"),
        (b"text", "picture.png", ".png"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_save_nothing(data, filename, message):
    with pytest.raises(ArticleError) as raised:
        article_import_file(data=data, filename=filename)
    assert message.lower() in str(raised.value).lower()
    assert Article.objects.count() == 0


def test_oversized_upload_is_refused(settings):
    settings.REDNOTE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ArticleError, match="larger than"):
        article_import_file(data=b"Word. " * 400, filename="big.txt")
    assert Article.objects.count() == 0


def test_long_text_is_segmented_by_a_task_after_commit(settings, django_capture_on_commit_callbacks):
    settings.REDNOTE_SYNC_SEGMENT_CHARS = 100
    text = "Long Article\n" + " ".join(f"Sentence number {i} is here." for i in range(60))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = article_create(text=text)
        assert not article.current_revision.sentences.exists()
    assert len(callbacks) == 1
    article.current_revision.refresh_from_db()
    assert article.title == "Long Article"
    assert article.current_revision.segmented_at is not None
    assert article.current_revision.sentences.filter(kind=Sentence.Kind.CONTENT).count() == 60


def test_every_sample_article_round_trips_its_sentence_offsets(corpus_dir, corpus_manifest):
    for name, entry in corpus_manifest.items():
        article = article_import_path(path=corpus_dir / name, metadata=metadata_from_manifest(entry))
        text = article.current_revision.text
        sentences = list(article.current_revision.sentences.order_by("index"))
        assert sentences, name
        previous_end = 0
        for sentence in sentences:
            chunk = text[sentence.start : sentence.end]
            assert chunk == chunk.strip() and chunk and "\n" not in chunk
            assert sentence.start >= previous_end
            previous_end = sentence.end
        assert "".join(text[s.start : s.end] for s in sentences).replace(" ", "") == "".join(text.split())


def test_manifest_metadata_wins_over_what_the_text_suggests(corpus_dir, corpus_manifest):
    name = next(n for n, e in corpus_manifest.items() if e["author"] == "Joel Wong")
    article = article_import_path(path=corpus_dir / name, metadata=metadata_from_manifest(corpus_manifest[name]))
    assert article.title == corpus_manifest[name]["title"]
    assert article.author == "Joel Wong"
    assert article.published.isoformat() == corpus_manifest[name]["published"]


def test_a_bad_manifest_date_is_a_clear_error():
    with pytest.raises(ArticleError, match="not a date"):
        metadata_from_manifest({"file": "x.txt", "published": "19/01/2025"})


def test_metadata_can_be_given_explicitly():
    article = article_create(
        text="Body sentence one. Body sentence two.", metadata=ArticleMetadata(title="Given", author="Ann")
    )
    assert (article.title, article.author) == ("Given", "Ann")
