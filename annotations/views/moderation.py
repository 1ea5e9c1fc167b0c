"""The moderators' pages: the queue (`/moderation/`), the audit log (`/moderation/log/`), users
and roles (`/moderation/users/`), and the thread lock on the claim page. Actions post the
version of the item the moderator saw; with htmx the answer replaces the item's card, without
JavaScript the page comes back with a message."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from annotations.models import QueueState
from annotations.policy import Act, NotAllowed, Refusal, check
from annotations.roles import ROLES
from annotations.selectors.moderation import (
    LogFilters,
    log_actions,
    moderation_log,
    open_queue,
    queue_entry,
    user_search,
)
from annotations.services.moderation import (
    ModerationError,
    StaleVersion,
    queue_item_resolve,
    thread_lock,
    thread_unlock,
)
from annotations.services.sanctions import DURATIONS, USER_ACTIONS, role_set, user_moderate
from annotations.views.refusals import page_refusal

# What a resolution did, for the message after it.
DONE = {
    QueueState.DISMISSED: "Flags dismissed.",
    QueueState.HIDDEN: "Hidden; the author sees your reason.",
    QueueState.RESTORED: "Restored.",
    QueueState.DELETED: "Deleted.",
}
LOG_PAGE_SIZE = 50


def moderators_only(view):
    """Moderators and admins only: anonymous visitors are sent to sign in, others get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refusal = check(request.user, Act.MODERATE)
        if refusal is None:
            return view(request, *args, **kwargs)
        if refusal.code == Refusal.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        return render(request, "annotations/moderation/refused.html", {"message": str(refusal)}, status=403)

    return wrapper


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _version(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@require_GET
@moderators_only
def queue_page(request: HttpRequest) -> HttpResponse:
    page, entries = open_queue(page=request.GET.get("page", 1))
    context = {"page_obj": page, "entries": entries}
    return render(request, "annotations/moderation/queue.html", context)


def _card(request: HttpRequest, item_id: int, *, notice: str, status: int) -> HttpResponse:
    context = {"entry": queue_entry(item_id), "notice": notice, "notice_error": status != 200}
    return render(request, "annotations/moderation/queue_item.html", context, status=status)


@require_POST
@moderators_only
def queue_item_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve one item as of the version the moderator saw; on a stale version, say what
    happened meanwhile and show the item as it is now."""
    action = request.POST.get("action", "")
    version = _version(request.POST.get("version", ""))
    try:
        if version is None:
            raise ModerationError("The page did not say which version of the item you saw; reload it.",
                                  field="version")
        item = queue_item_resolve(
            moderator=request.user, item_id=pk, action=action, reason=request.POST.get("reason", ""), version=version
        )
        status, notice, ok = 200, DONE[item.state], True
    except StaleVersion as error:
        status, notice, ok = 409, str(error), False
    except ModerationError as error:
        status, notice, ok = 400, str(error), False
    except NotAllowed as error:
        refusal = page_refusal(error)
        status, notice, ok = refusal.status, refusal.message, False
    if request.htmx:
        if status == 404:
            return HttpResponse(notice, status=404)
        return _card(request, pk, notice=notice, status=status)
    (messages.success if ok else messages.error)(request, notice)
    return redirect(_back(request, reverse("moderation-queue")))


@require_GET
@moderators_only
def log_page(request: HttpRequest) -> HttpResponse:
    filters = LogFilters(
        actor=request.GET.get("actor", "").strip()[:150],
        action=request.GET.get("action", "").strip()[:32],
        target_user=request.GET.get("target_user", "").strip()[:150],
    )
    page = Paginator(moderation_log(filters), LOG_PAGE_SIZE).get_page(request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page_obj": page, "filters": filters, "actions": log_actions(), "query": query.urlencode()}
    return render(request, "annotations/moderation/log.html", context)


@require_GET
@moderators_only
def users_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:150]
    context = {
        "query": query,
        "rows": user_search(query),
        "actions": USER_ACTIONS,
        "durations": DURATIONS,
        "roles": ROLES,
        "can_set_roles": check(request.user, Act.MANAGE_ROLES) is None,
    }
    return render(request, "annotations/moderation/users.html", context)


def _users_url(request: HttpRequest, username: str) -> str:
    return _back(request, f"{reverse('moderation-users')}?q={username}")


@require_POST
@moderators_only
def user_action(request: HttpRequest, username: str) -> HttpResponse:
    try:
        decision = user_moderate(
            moderator=request.user, username=username, action=request.POST.get("action", ""),
            duration=request.POST.get("duration") or None, reason=request.POST.get("reason", ""),
        )
    except ModerationError as error:
        messages.error(request, str(error))
    except NotAllowed as error:
        messages.error(request, page_refusal(error).message)
    else:
        messages.success(request, f"{username}: {_decision_words(decision.action, request.POST.get('duration'))}.")
    return redirect(_users_url(request, username))


def _decision_words(action: str, duration: str | None) -> str:
    span = "permanently" if duration == "permanent" else f"for {duration}"
    return {
        "warn": "warned",
        "silence": f"silenced {span}",
        "suspend": f"suspended {span}",
        "lift": "silence and suspension lifted",
    }[action]


@require_POST
@moderators_only
def user_role(request: HttpRequest, username: str) -> HttpResponse:
    try:
        role = role_set(actor=request.user, username=username, role=request.POST.get("role", ""))
    except ModerationError as error:
        messages.error(request, str(error))
    except NotAllowed as error:
        messages.error(request, page_refusal(error).message)
    else:
        messages.success(request, f"{username} is now {'an' if role == 'admin' else 'a'} {role}.")
    return redirect(_users_url(request, username))


@require_POST
@moderators_only
def claim_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock or unlock the claim's thread from the claim page (`lock` = "1" or "0")."""
    lock = request.POST.get("lock") == "1"
    service = thread_lock if lock else thread_unlock
    try:
        service(moderator=request.user, claim_id=pk, reason=request.POST.get("reason", ""))
    except ModerationError as error:
        messages.error(request, str(error))
    except NotAllowed as error:
        if error.code == Refusal.NOT_FOUND:
            raise Http404(str(error)) from error
        messages.error(request, page_refusal(error).message)
    else:
        messages.success(request, "Thread locked: only moderators can comment." if lock else "Thread unlocked.")
    return redirect(reverse("claim-detail", args=[pk]) + "#thread-lock")
