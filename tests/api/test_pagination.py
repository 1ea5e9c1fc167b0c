"""Page sizes (annotations/api/pagination.py): a whole number from 1, at most 200 sent; anything
else is a 400 naming `page_size` rather than quietly the default; empty is the default."""
import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return [ArticleFactory() for _ in range(3)]


@pytest.mark.parametrize("value", ["null", "abc", "0", "-2", "1.5", "²"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused(api_client, articles, value):
    response = api_client.get(f"/api/articles/?page_size={value}")
    assert response.status_code == 400
    assert response.json()["page_size"] == ["A page size is a whole number from 1 up."]


@pytest.mark.parametrize("value, sent", [("2", 2), ("", 3), ("100000", 3)])
def test_a_page_size_sends_that_many_and_never_more_than_the_maximum(api_client, articles, value, sent):
    response = api_client.get(f"/api/articles/?page_size={value}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == sent
