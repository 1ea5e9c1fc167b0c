"""`GET /healthz`: a liveness check for deployments and the ceiling of the load benchmark.

It answers from the process alone (no database, no cache, no session), so it says the web
server is up and serving Django; the database's health shows in every other page (503 while it
is unreachable, see annotations/security.py). Plain Django, not the REST framework: no
throttle ever applies to it.
"""
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
