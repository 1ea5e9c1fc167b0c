"""The schema is the API: what a client reads in /api/schema/ is what the API answers, errors
included (the schema's validity is checked in test_annotations.py)."""
import pytest

from tests.conftest import client_for
from tests.factories import AnnotationFactory

SAFE = {"get", "head", "options"}


@pytest.fixture
def schema(api_client):
    return api_client.get("/api/schema/?format=json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for method, path, operation in operations(schema):
        where = f"{method.upper()} {path}"
        codes = set(operation["responses"])
        assert "429" in codes, f"{where}: the throttles apply everywhere"
        if "{" in path:
            assert "404" in codes, f"{where}: the object may not exist"
        if method not in SAFE:
            assert "403" in codes, f"{where}: a write may be refused"
        if "requestBody" in operation:
            assert {"400", "413"} <= codes, f"{where}: the body may be invalid or too large"
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                # The error body, or what the view declared (a stale resolve's 409 is the item).
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                assert body.get("$ref", "").startswith("#/components/schemas/"), f"{where} {code} has no body"
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_the_documented_error_body_is_what_the_api_answers(schema, user):
    answer = client_for(user).post("/api/annotations/", {"article": 999_999, "start": 0, "end": 1, "tag": "claim"}, format="json")
    assert answer.status_code == 400
    assert set(schema["components"]["schemas"]["Error"]["required"]) <= set(answer.json())


def test_an_annotation_without_a_claim_has_a_null_claim_as_documented(schema, user):
    claim = schema["components"]["schemas"]["Annotation"]["properties"]["claim"]
    assert claim["type"] == "integer" and claim["nullable"] is True
    opinion = AnnotationFactory(author=user, tag="opinion")
    answer = client_for(user).get(f"/api/annotations/{opinion.pk}/").json()
    assert answer["claim"] is None


def test_an_error_comes_in_the_media_type_asked_for_as_documented(schema, api_client, db):
    documented = schema["paths"]["/api/annotations/{id}/"]["get"]["responses"]["404"]["content"]
    assert set(documented) == {"application/json", "application/ld+json"}
    response = api_client.get("/api/annotations/999999/?format=jsonld")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/ld+json")


def test_an_unknown_format_is_a_documented_404(schema, api_client):
    assert "404" in schema["paths"]["/api/annotations/"]["get"]["responses"]
    assert api_client.get("/api/annotations/?format=xml").status_code == 404


def test_the_moderators_lists_are_documented_as_the_pages_they_are(schema):
    for path in ("/api/moderation/queue/", "/api/moderation/log/"):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rpartition("/")[2]]
        assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_rules_between_fields_are_in_the_schema(schema):
    """What a request serializer's validate() asks beyond its fields (annotations.api.params.RulesInSchema)."""
    components = schema["components"]["schemas"]
    assert components["LockRequestRequest"]["required"] == ["reason"]
    flag_rule = components["FlagRequestRequest"]["allOf"][0]["anyOf"]
    assert flag_rule[0] == {"properties": {"reason": {"not": {"enum": ["other"]}}}}
    assert flag_rule[1]["required"] == ["note"]
    assert schema["paths"]["/api/notifications/read/"]["post"]["requestBody"]["required"] is True
    assert components["ArticleReviseRequest"]["required"] == ["text"]  # a PATCH body is validated whole
