"""The notification inbox, opening a notification (marks it read, then goes where it points),
"mark all read", and the bell in the navigation, which polls a cheap count."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from annotations.policy import NotAllowed
from annotations.selectors.notifications import notification_list, unread_count
from annotations.services.notifications import notification_open, notifications_mark_read

PAGE_SIZE = 50


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"notifications": page.object_list, "page": page, "unread": unread_count(request.user)}
    return render(request, "annotations/notifications.html", context)


@require_GET
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = notification_open(user=request.user, notification_id=pk)
    except NotAllowed:
        return redirect("notifications")
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notifications")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user, everything=True)
    return redirect("notifications")


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count; 204 (nothing to swap) for someone no longer signed in."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "annotations/partials/notification_bell.html", {"unread": unread_count(request.user)})
