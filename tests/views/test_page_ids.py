"""Every id on a page is unique and every label points at its own field: with two forms on the
claim page that share field names, a label that found the other form's field would send the
reader's click (and a screen reader) to the wrong place."""
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import AnnotationFactory, UserFactory

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])


def parsed(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.fixture
def claim():
    return AnnotationFactory(tag="claim").claim


def test_every_id_on_the_claim_page_is_unique_for_a_member_who_sees_both_source_forms(client, claim):
    client.force_login(UserFactory(username="member"))
    html = client.get(claim.get_absolute_url()).content.decode()
    assert 'id="link-source-form"' in html and 'id="passage-source-form"' in html
    page = parsed(html)
    assert [name for name, n in page.ids.items() if n > 1] == []
    assert [target for target in page.label_targets if target not in page.ids] == []


def test_a_rejected_source_form_keeps_its_own_ids(client, claim):
    client.force_login(UserFactory(username="member"))
    response = client.post(reverse("source-create", args=[claim.pk]), {"kind": "link", "url": "", "title": ""})
    assert response.status_code == 400
    page = parsed(response.content.decode())
    assert [name for name, n in page.ids.items() if n > 1] == []
    assert [target for target in page.label_targets if target not in page.ids] == []
