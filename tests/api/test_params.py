"""What the API reads, read strictly (annotations/api/params.py): a query parameter or a field
the schema does not allow is a 400 naming it, never ignored, converted, or sent on to the
database; an empty query parameter is "not given"."""
import pytest

from annotations.api.params import MAX_ID
from tests.conftest import client_for
from tests.factories import AnnotationFactory

pytestmark = pytest.mark.django_db

BEYOND = str(MAX_ID + 1)


@pytest.mark.parametrize("query, field", [
    ("article=1e30", "article"), (f"article={BEYOND}", "article"), ("article=1.5", "article"), ("article=0", "article"),
    ("mine=maybe", "mine"), ("mine=-58800", "mine"), ("mine=null", "mine"),
])
def test_a_filter_value_the_schema_does_not_allow_is_a_400_naming_it(api_client, query, field):
    for url in ("/api/annotations/", "/api/claims/") if field == "article" else ("/api/annotations/",):
        response = api_client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert field in response.json()


def test_the_filters_still_filter_and_an_empty_one_is_not_given(user):
    mine, theirs = AnnotationFactory(author=user), AnnotationFactory()
    client = client_for(user)
    ids = lambda query: {row["id"] for row in client.get(f"/api/annotations/?{query}").json()["results"]}  # noqa: E731
    assert ids("mine=true") == {mine.pk}
    assert ids("mine=false") == ids("mine=") == ids("article=") == {mine.pk, theirs.pk}
    assert ids(f"article={theirs.article_id}") == {theirs.pk}


def test_text_is_a_json_string_not_a_number_taken_as_its_digits(user):
    response = client_for(user).post(
        "/api/articles/", {"title": 40124212155618160, "text": "A title\nA sentence here."}, format="json"
    )
    assert response.status_code == 400 and "title" in response.json()


def test_an_id_beyond_any_row_in_a_list_of_ids_is_a_400_not_a_500(user):
    response = client_for(user).post("/api/notifications/read/", {"ids": [int(BEYOND)]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()
