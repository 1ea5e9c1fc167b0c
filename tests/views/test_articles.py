import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_title_author_source_date_and_sentence_count(client):
    ArticleFactory(text="One is here. Two sentences here. Three!", title="Listed", author="Ann")
    html = client.get(reverse("article-list")).content.decode()
    card = html.split('class="article-card"', 1)[1]
    assert "Listed" in card and "Ann" in card
    assert "<span>3 sentences</span>" in card


def test_the_reader_shows_every_sentence_as_an_element_with_its_offsets(client):
    article = ArticleFactory(text="Heading Title\nFirst sentence. Second <b>one</b>.\nNew paragraph here.")
    html = client.get(article.get_absolute_url()).content.decode()
    text = article.current_revision.text
    spans = re.findall(r'data-sentence-id="(\d+)" data-index="\d+" data-start="(\d+)" data-end="(\d+)">([^<]*)<', html)
    assert len(spans) == 3
    for _, start, end, shown in spans:
        assert text[int(start) : int(end)].replace("<", "&lt;").replace(">", "&gt;") == shown
    assert "<b>one</b>" not in html and "&lt;b&gt;one&lt;/b&gt;" in html
    assert html.count('<p class="para"') == 2


def test_boilerplate_is_set_apart_from_the_annotatable_text(client):
    article = ArticleFactory(text="Real Title\nA real sentence. Another one.\n0 comment\nLEAVE YOUR COMMENT")
    html = client.get(article.get_absolute_url()).content.decode()
    body, _, boilerplate = html.partition('<details class="boilerplate">')
    assert "LEAVE YOUR COMMENT" in boilerplate and "LEAVE YOUR COMMENT" not in body
    assert "data-sentence-id" not in boilerplate


def test_adding_an_article_needs_an_account(client):
    response = client.get(reverse("article-new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pasting_an_article_opens_it_in_the_reader(client, user):
    client.force_login(user)
    response = client.post(reverse("article-new"), {"text": "Pasted Title\nA pasted sentence. And more.", "format": "text"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.created_by == user and article.title == "Pasted Title"


def test_uploading_markdown_reduces_it_to_text(client, user):
    client.force_login(user)
    upload = SimpleUploadedFile("notes.md", b"# Upload Title\n\nSome **bold** words. [A link](http://x.test).\n")
    client.post(reverse("article-new"), {"file": upload, "format": "text"})
    text = Article.objects.get().current_revision.text
    assert "**" not in text and "](" not in text and "Some bold words." in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "format": "text"}, "Paste the text or upload a file"),
        ({"file": SimpleUploadedFile("x.txt", b"\x00\x00\x00"), "format": "text"}, "binary"),
        ({"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "format": "text"}, ".pdf"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, user, data, message):
    client.force_login(user)
    response = client.post(reverse("article-new"), data)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Article.objects.exists()


def test_oversized_uploads_are_refused(client, user, settings):
    settings.REDNOTE_MAX_UPLOAD_BYTES = 100
    client.force_login(user)
    response = client.post(reverse("article-new"), {"file": SimpleUploadedFile("big.txt", b"Word. " * 50), "format": "text"})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not Article.objects.exists()


def test_a_duplicate_paste_leads_to_the_existing_article(client, user):
    existing = ArticleFactory(text="Same Title\nSame sentence. Same text.")
    client.force_login(user)
    response = client.post(reverse("article-new"), {"text": "Same Title\nSame sentence. Same text.", "format": "text"})
    assert response["Location"] == existing.get_absolute_url()
    assert Article.objects.count() == 1
