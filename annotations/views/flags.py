"""The flag control's endpoint: `templates/annotations/partials/flag_form.html` posts here from
any page, with target_type, target_id, reason, flag_note (named apart from the note fields of
other forms on the same page) and next. With htmx the answer replaces the control (a
thank-you, or the form again with the error and the status that goes with it); without
JavaScript the page it came from comes back with a message."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from annotations.policy import NotAllowed, Refusal
from annotations.services.flags import AlreadyFlagged, FlagCapReached, FlagError, flag_create
from annotations.services.ratelimits import RateLimited

THANKS = "Thank you: moderators will look at it."


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _flag(request: HttpRequest, *, target_type: str, target_id: int | None) -> tuple[int, str, dict]:
    """Status, message and headers of one attempt to flag."""
    if not request.user.is_authenticated:
        return 403, "Sign in to flag.", {}
    if target_id is None:
        return 404, "That item does not exist.", {}
    try:
        flag_create(
            flagger=request.user, target_type=target_type, target_id=target_id,
            reason=request.POST.get("reason", ""), note=request.POST.get("flag_note", ""),
        )
    except AlreadyFlagged as error:
        return 409, str(error), {}
    except (FlagCapReached, RateLimited) as error:
        return 429, str(error), {"Retry-After": str(error.retry_after)}
    except FlagError as error:
        return 400, str(error), {}
    except NotAllowed as error:
        return (404 if error.code == Refusal.NOT_FOUND else 403), str(error), {}
    return 201, THANKS, {}


@require_POST
def flag_post(request: HttpRequest) -> HttpResponse:
    target_type = request.POST.get("target_type", "")
    raw_id = request.POST.get("target_id", "")
    target_id = int(raw_id) if raw_id.isdigit() else None
    status, message, headers = _flag(request, target_type=target_type, target_id=target_id)
    if not request.htmx:
        (messages.success if status == 201 else messages.error)(request, message)
        return redirect(_back(request))
    context = {
        "target_type": target_type,
        "target_id": raw_id,
        "flag_done": message if status in (201, 409) else "",
        "flag_error": "" if status in (201, 409) else message,
        "flag_values": {"reason": request.POST.get("reason", ""), "note": request.POST.get("flag_note", "")},
    }
    response = render(request, "annotations/partials/flag_form.html", context, status=status)
    for header, value in headers.items():
        response[header] = value
    return response
