"""Export filters: one parser for the command, the form and the API, with an error per field."""
import pytest

from annotations.selectors.exports_filters import (
    ExportFilters,
    ExportRequestError,
    parse_filters,
    parse_format,
)
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def errors_of(raw, *, moderator=False) -> dict:
    with pytest.raises(ExportRequestError) as caught:
        parse_filters(raw, moderator=moderator)
    return caught.value.errors


def test_nothing_given_exports_everything():
    assert parse_filters({}, moderator=False) == ExportFilters()
    assert parse_filters(None, moderator=False).as_json() == {}
    assert parse_filters({"tags": "", "articles": [], "include_hidden": "false"}, moderator=False) == ExportFilters()


def test_strings_from_the_form_and_lists_from_the_api_mean_the_same():
    article = ArticleFactory()
    UserFactory(username="ada")
    typed = {"articles": f" {article.pk} ", "tags": "claim, evidence", "since": "2026-01-01", "until": "2026-01-31",
             "annotators": "ada", "min_votes": "3", "status": "agreed,divided", "split": "80/10/10", "seed": "7",
             "include_hidden": "on", "real_names": "true"}
    sent = {"articles": [article.pk], "tags": ["claim", "evidence"], "since": "2026-01-01", "until": "2026-01-31",
            "annotators": ["ada"], "min_votes": 3, "status": ["agreed", "divided"], "split": [80, 10, 10], "seed": 7,
            "include_hidden": True, "real_names": True}
    parsed = parse_filters(typed, moderator=True)
    assert parsed == parse_filters(sent, moderator=True)
    assert parsed.as_json() == {**sent, "split": "80/10/10"}
    assert parsed.split_names == ("train", "validation", "test")


def test_unknown_filters_formats_and_values_are_named():
    assert set(errors_of({"colour": "red", "tags": "claim,rumour"})) == {"filters", "tags"}
    assert "colour" in errors_of({"colour": "red"})["filters"]
    assert errors_of({"tags": "claim,rumour"})["tags"].startswith("Unknown tag: rumour.")
    assert "Unknown status: maybe" in errors_of({"status": "maybe"})["status"]
    with pytest.raises(ExportRequestError) as caught:
        parse_format("xml")
    assert caught.value.field == "format" and "jsonl" in str(caught.value)
    assert parse_format("brat") == "brat"


def test_dates_must_parse_and_come_in_order():
    assert "ISO date" in errors_of({"since": "31/01/2026"})["since"]
    assert errors_of({"since": "2026-02-01", "until": "2026-01-31"}) == {
        "until": "The end date comes before the start date."
    }
    same_day = parse_filters({"since": "2026-01-31", "until": "2026-01-31"}, moderator=False)
    assert (same_day.until_at - same_day.since_at).days == 1  # a day is covered whole


def test_a_split_must_add_up_to_100_and_a_seed_needs_a_split():
    assert "adding up to 100" in errors_of({"split": "80/10/5"})["split"]
    assert "adding up to 100" in errors_of({"split": "50/20/20/10"})["split"]
    assert parse_filters({"split": "90/10"}, moderator=False).split_names == ("train", "test")
    assert "split" in errors_of({"seed": "3"})["seed"]


def test_unknown_articles_and_usernames_are_errors():
    assert errors_of({"articles": "999999"})["articles"] == "No article with id 999999."
    assert "whole numbers" in errors_of({"articles": "one,two"})["articles"]
    assert errors_of({"annotators": "nobody"}, moderator=True)["annotators"] == "No user named nobody."


def test_members_cannot_use_the_moderators_filters():
    UserFactory(username="ada")
    errors = errors_of({"annotators": "ada", "include_hidden": True, "real_names": "yes"})
    assert errors == {
        "annotators": "Only moderators can export by annotator.",
        "include_hidden": "Only moderators can export hidden content.",
        "real_names": "Only moderators can export real names.",
    }
    assert parse_filters({"include_hidden": "false", "real_names": False}, moderator=False) == ExportFilters()


@pytest.mark.parametrize("raw, field", [
    ({"articles": [2**80]}, "articles"), ({"min_votes": 2**64}, "min_votes"), ({"seed": 2**64}, "seed"),
    ({"annotators": ["ada\x00"]}, "annotators"),
])
def test_values_no_database_column_can_hold_are_errors_not_queries(raw, field):
    """Ids and counts beyond 64 bits, names with a NUL: PostgreSQL would refuse the query."""
    assert field in errors_of(raw, moderator=True)
