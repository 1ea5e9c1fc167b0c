"""Security headers on every route: the Content-Security-Policy (django-csp) and Permissions-Policy.

Every URL pattern the project serves is visited (GET, signed in as a moderator, so that most pages
render rather than redirect); routes with parameters get them from real objects."""
from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import AnnotationFactory, CommentFactory, UserFactory

REQUIRED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
}
PERMISSIONS = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
# Route converters and regex groups both name their parameters.
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def all_routes() -> list[str]:
    routes: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if isinstance(pattern, URLResolver):
                walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                routes.append(route)

    walk(get_resolver(), "")
    return routes


@pytest.fixture
def world(db):
    moderator = UserFactory(username="headers-moderator", role="moderator")
    claim_annotation = AnnotationFactory(author=moderator, tag="claim")
    comment = CommentFactory(claim=claim_annotation.claim)  # someone else's: the moderator may flag it
    return {
        "user": moderator,
        "articles": claim_annotation.article.pk,
        "annotations": claim_annotation.pk,
        "claims": claim_annotation.claim.pk,
        "comments": comment.pk,
        "article_id": claim_annotation.article.pk,
        "claim_id": claim_annotation.claim.pk,
        "username": moderator.username,
    }


def url_for(route: str, world: dict) -> str:
    """The route with its parameters filled: objects of the world where the route names one,
    else a value of the right shape (the answer is then a 404 or a redirect, with headers too)."""
    section = route.removeprefix("api/").split("/", 1)[0]

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name == "pk":
            return str(world.get(section, 1))
        return str(world.get(name, 1))

    return "/" + PARAMETER.sub(value, route)


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def test_every_route_sends_the_csp_and_the_permissions_policy(world):
    client = Client()
    client.force_login(world["user"])
    routes = all_routes()
    assert len(routes) > 60  # the walk found the app's, the API's, allauth's and the admin's
    for route in routes:
        url = url_for(route, world)
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy")
        assert csp, f"{url} ({response.status_code}) has no Content-Security-Policy"
        directives = csp_directives(csp)
        for name, sources in REQUIRED_CSP.items():
            assert directives.get(name) == sources, f"{url}: {name} is {directives.get(name)}"
        assert not {"'unsafe-inline'", "'unsafe-eval'"} & directives.get("script-src", set())
        policy = response.headers.get("Permissions-Policy", "")
        assert all(feature in policy for feature in PERMISSIONS), f"{url}: Permissions-Policy {policy!r}"


def test_pages_carry_no_inline_script_or_style(world):
    """What the CSP would block must not be in the pages: inline scripts, style attributes,
    on…= handlers and hx-on (which needs eval)."""
    client = Client()
    client.force_login(world["user"])
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\sstyle=|\son[a-z]+=|\shx-on")
    pages = [
        "/", f"/articles/{world['articles']}/", f"/claims/{world['claims']}/",
        f"/articles/{world['articles']}/vote/", f"/comments/{world['comments']}/reply/",
        f"/comments/{world['comments']}/edit/", f"/comments/{world['comments']}/flag/",
        "/consensus/", "/exports/", "/moderation/", "/notifications/", f"/users/{world['username']}/",
        "/accounts/email/", "/api/docs/",
    ]
    for url in pages:
        # The comment forms are partials htmx swaps into a thread.
        response = client.get(url, headers={"HX-Request": "true"} if "/comments/" in url else {})
        assert response.status_code == 200, url
        found = inline.search(response.content.decode())
        assert found is None, f"{url} has {found.group(0)!r}"
    anonymous = Client()
    for url in ("/accounts/login/", "/accounts/signup/"):
        found = inline.search(anonymous.get(url).content.decode())
        assert found is None, f"{url} has {found.group(0)!r}"


def test_htmx_may_not_eval_or_inject_styles(world):
    client = Client()
    client.force_login(world["user"])
    for url in ("/", f"/claims/{world['claims']}/"):
        html = client.get(url).content.decode()
        config = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
        assert len(config) == 1, url
        assert '"allowEval": false' in config[0] and '"includeIndicatorStyles": false' in config[0]


def test_api_docs_load_their_init_script_from_a_url(client):
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*script=[^"]*)">', page)
    assert script, "Swagger UI's init script is inline"
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
