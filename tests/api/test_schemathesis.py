"""The schema is the API: schemathesis sends every operation of /api/schema/ generated input,
valid and invalid, and checks every answer against the schema with all its checks (no server
error; documented status, content type, headers and body; invalid input refused, valid input
accepted; authentication not ignored). In-process through the WSGI application, no server;
seeded (derandomized), so a failure comes back the same on the next run.

Every operation runs as a member signed in with a token and as an anonymous caller, and the
moderators' operations also as a moderator, against a small world of real rows (articles with
sentences, annotations, a claim with evidence and a source, votes, a thread with a reply and a
notification, a flag and its queue item, an export): a path parameter is either a generated
value or one of those rows' ids, so the answers cover existing objects as well as missing ones.

Reproduce a failure with the curl command it prints (against `manage.py up`), or rerun one
operation: `pytest tests/api/test_schemathesis.py -n 0 -k "POST and flags"`."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from annotations.models import ExportJob, QueueItem
from annotations.services.comments import comment_create
from annotations.services.flags import flag_create
from annotations.services.votes import vote_cast
from tests.enforcement_world import build_world
from tests.factories import UserFactory

# Valid by the schema but refused with 400 for what no schema can say: credentials that do not
# exist, rows named in the body that do not exist (or a claim that does not), offsets and quotes
# that must match an article's text, export filters that match nothing. Only these operations
# may answer a schema-valid request with 400; every other check applies to them unchanged.
REFUSED_BY_THE_DATABASE = [
    "POST /api/auth/token/",
    "POST /api/annotations/",
    "POST /api/claims/{claim_id}/comments/",
    "POST /api/claims/{claim_id}/evidence/",
    "POST /api/claims/{claim_id}/sources/",
    "POST /api/exports/",
    "PATCH /api/comments/{id}/",  # a reply takes no side
]
CONFIG = SchemathesisConfig.from_dict({
    "operations": [{
        "include-name": REFUSED_BY_THE_DATABASE,
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}},
    }],
})
SEEDED = settings(
    max_examples=8, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)

# The rows a path parameter may name: `{id}` by the collection before it, others by their name.
KINDS = {
    "annotations": "annotation", "articles": "article", "claims": "claim", "evidence": "link",
    "sources": "source", "comments": "comment", "exports": "export",
    "claim_id": "claim", "article_id": "article", "item_id": "queue item", "username": "username",
}


class World:
    """The ids of the world's rows by kind, and the token of the persona under test (None:
    anonymous). Module state, because schemathesis' hooks and authentication are module-level:
    the `world` fixture fills it before each test's first case is drawn."""

    rows: dict[str, list] = {}
    token: str | None = None

    @classmethod
    def ids_for(cls, path: str, name: str) -> list:
        key = path.split("/{id}")[0].rsplit("/", 1)[-1] if name == "id" else name
        return cls.rows.get(KINDS.get(key, key), [])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Each generated id (a valid one: invalid ones stay as they are) may become a real row's."""
    choices = {}
    for name, value in (path_parameters or {}).items():
        known = World.ids_for(context.operation.path, name)
        if known and isinstance(value, str if name == "username" else int):
            choices[name] = st.sampled_from([value, *known])
    if not choices:
        return st.just(path_parameters)
    return st.fixed_dictionaries(choices).map(lambda drawn: {**path_parameters, **drawn})


@schema.auth(refresh_interval=None)
class PersonaToken:
    """The persona's token on every request (none for the anonymous one). Given as the
    schema's authentication, schemathesis also checks that a request without it, or with a
    wrong one, is refused wherever the operation requires it."""

    def get(self, case, context):
        return World.token

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


# The moderators' operations, and the comments a moderator may change: also run as a moderator.
moderation = schema.include(path_regex=r"^/api/(moderation/|users/|claims/\{claim_id\}/(lock|unlock)/|comments/)")


@pytest.fixture
def connection_kept():
    """Keep the test's database connection through each request, as Django's test client does:
    the WSGI handler would otherwise close it (and the test's transaction) after each one."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, connection_kept, persona):
    settings.REDNOTE_RATE_LIMITS = False
    people = {"member": UserFactory(), "moderator": UserFactory(role="moderator"), "other": UserFactory()}
    member, other = people["member"], people["other"]
    world = build_world(member)
    vote_cast(user=member, claim_id=world.claim.pk, value="agree")
    vote_cast(user=other, claim_id=world.claim.pk, value="disagree")
    comment = comment_create(author=member, claim_id=world.claim.pk, body="Roads are cheap here.")
    reply = comment_create(author=other, claim_id=world.claim.pk, body="Not so, @" + member.username, parent_id=comment.pk)
    flag_create(flagger=other, target_type="comment", target_id=comment.pk, reason="spam", note="")
    ExportJob.objects.create(owner=member, format="jsonl", filters={}, total=1)
    World.rows = {
        "annotation": [world.annotation.pk, world.evidence.pk],
        "article": [world.article.pk, world.other.pk],
        "claim": [world.claim.pk],
        "link": [world.link.pk],
        "source": [world.source.pk],
        "comment": [comment.pk, reply.pk],
        "export": list(ExportJob.objects.values_list("pk", flat=True)),
        "queue item": list(QueueItem.objects.values_list("pk", flat=True)),
        "username": [member.username, other.username],
    }
    user = people.get(persona)
    World.token = Token.objects.create(user=user).key if user else None
    yield
    World.rows, World.token = {}, None


@pytest.mark.parametrize("persona", ["member", "anonymous"])
@schema.parametrize()
@SEEDED
def test_every_operation_answers_as_documented(case, world):
    case.call_and_validate()


@pytest.mark.parametrize("persona", ["moderator"])
@moderation.parametrize()
@SEEDED
def test_the_moderators_operations_answer_as_documented_to_a_moderator(case, world):
    case.call_and_validate()
