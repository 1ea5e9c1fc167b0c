"""The debate thread on the claim page, and a person's public page.

Everything works as plain forms and links (a reply or edit link opens the form under its
comment, `?reply=<id>` or `?edit=<id>`); with htmx the forms load into the comment's slot and a
post answers with the thread's comment list. The slots keep their content when the list is
swapped (`hx-preserve`), so a reply being typed survives other people's comments arriving. Other
readers' pages poll `/claims/<id>/thread/live/`, a 204 while the thread's stamp has not moved
(nor the stamp of the rest of the claim page, whose parts then come out of band).
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget

from annotations.selectors.claims import corpus_search
from annotations.selectors.consensus_pages import claim_stamps
from annotations.selectors.threads import (
    Thread,
    comment_history,
    comment_item,
    may_see_history,
    recent_comments_by,
    visible_claim,
    visible_comment,
)
from annotations.services.comments import (
    CommentError,
    comment_create,
    comment_delete,
    comment_update,
)
from annotations.views import claims as claim_views
from annotations.views.refusals import REFUSALS, PageRefusal, page_refusal
from annotations.views.thread_section import (
    CommentEditForm,
    CommentForm,
    int_or_none,
    open_slot,
    thread_for,
    thread_query,
)

PARTIALS = "annotations/partials/"
_FORM_FIELD = {"body": "body", "side": "side", "quote": "quote"}
INVALID = PageRefusal(400, "Check the form.")


def _comments(request: HttpRequest, thread: Thread, *, status: int = 200, **extra) -> HttpResponse:
    return render(request, PARTIALS + "thread_comments.html", {"thread": thread, **extra}, status=status)


def _claim_anchor(claim_id: int, comment_id: int | None = None) -> str:
    anchor = f"#comment-{comment_id}" if comment_id else "#debate"
    return reverse("claim-detail", args=[claim_id]) + anchor


def _form_error(form: forms.Form, error: Exception) -> PageRefusal:
    """Put a service's objection on the form; how to answer (status, and `Retry-After`)."""
    if isinstance(error, CommentError):
        form.add_error(_FORM_FIELD.get(error.field), str(error))
        return INVALID
    refusal = page_refusal(error)
    form.add_error(None, refusal.message)
    return refusal


@require_POST
def comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a top-level comment or, with `parent`, a reply."""
    if not request.user.is_authenticated and not request.htmx:
        return redirect_to_login(_claim_anchor(pk))
    form = CommentForm(request.POST)
    refusal, comment = INVALID, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = comment_create(
                author=request.user, claim_id=pk, body=data["body"], parent_id=data["parent"],
                side=data["side"], quote=form.quote_ref(),
            )
        except (CommentError, *REFUSALS) as error:
            refusal = _form_error(form, error)
    parent_id = form.cleaned_data.get("parent") if form.is_valid() else int_or_none(request.POST.get("parent"))
    if comment is not None:
        if not request.htmx:
            messages.success(request, "Comment posted." if parent_id is None else "Reply posted.")
            return redirect(_claim_anchor(pk, comment.pk))
        thread = thread_for(request, pk, request.POST)
        fresh_form = CommentForm() if parent_id is None else None
        return _comments(request, thread, fresh_slot=parent_id, fresh_post_form=fresh_form)
    return _comment_form_again(request, pk, form, parent_id=parent_id, refusal=refusal)


def _comment_form_again(
    request: HttpRequest, pk: int, form: CommentForm, *, parent_id: int | None, refusal: PageRefusal
) -> HttpResponse:
    """The form with its errors and what was typed: in place (htmx) or on the claim page."""
    if request.htmx and refusal.status == 404:  # the claim or the comment replied to went
        response = _refused_fragment(request, refusal.message, status=404)
        if parent_id is None:
            return reswap(retarget(response, "#thread-post-form"), "outerHTML")
        return reswap(retarget(response, f"#slot-{parent_id}"), "innerHTML")
    if request.htmx:
        if parent_id is None:
            thread = thread_for(request, pk, request.POST)
            response = render(request, PARTIALS + "thread_post_form.html", {"thread": thread, "form": form})
            return refusal.apply(reswap(retarget(response, "#thread-post-form"), "outerHTML"))
        item = comment_item(visible_comment(parent_id, user=request.user), user=request.user)
        response = render(request, PARTIALS + "thread_reply_form.html", {"c": item, "form": form})
        return refusal.apply(reswap(retarget(response, f"#slot-{parent_id}"), "innerHTML"))
    if parent_id is None:
        return refusal.apply(claim_views._page(request, pk, comment_form=form))
    thread = thread_for(request, pk, {})
    opened = open_slot(thread, "reply", parent_id, form)
    if opened is None:
        messages.error(request, form.non_field_errors()[0] if form.non_field_errors() else "You cannot reply to that.")
    return refusal.apply(claim_views._page(request, pk, thread_open=opened))


@require_GET
def thread_comments_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The comment list, filtered and sorted (htmx); the claim page with the filter otherwise."""
    query = urlencode(thread_query(request.GET))
    page_url = f"{reverse('claim-detail', args=[pk])}?{query}"
    if not request.htmx:
        return redirect(page_url + "#debate")
    return push_url(_comments(request, thread_for(request, pk, request.GET)), page_url)


@require_GET
def thread_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim page's live poll: 204 while neither the thread (`stamp`) nor the rest of the
    page (`about`: votes, taggings, evidence, sources) changed since the page's stamps. Else
    the fresh comment list if the thread changed, and out of band the rest if that changed."""
    stamps = claim_stamps(pk)
    thread_fresh = stamps is not None and request.GET.get("stamp") == stamps.thread
    about_fresh = stamps is not None and request.GET.get("about", stamps.about) == stamps.about
    if thread_fresh and about_fresh:
        return HttpResponse(status=204)
    try:
        thread = None if thread_fresh else thread_for(request, pk, request.GET)
        about = {} if about_fresh else claim_views.claim_about(request, pk)
    except Http404:  # deleted, or hidden by moderators meanwhile
        return render(request, PARTIALS + "thread_gone.html", status=404)
    response = render(request, PARTIALS + "claim_live.html", {"thread": thread, **about})
    return response if thread is not None else reswap(response, "none")


@require_GET
def thread_passages(request: HttpRequest, pk: int) -> HttpResponse:
    """Sentences of any article matching the words, to quote one in a comment."""
    visible_claim(pk, user=request.user)
    query = request.GET.get("q", "").strip()[:200]
    hits = corpus_search(query, limit=20) if len(query) >= 2 else []
    return render(request, PARTIALS + "thread_passage_results.html", {"hits": hits, "query": query})


def _refused_fragment(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, PARTIALS + "thread_refused.html", {"message": message}, status=status)


@require_GET
def comment_reply_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply form under a comment (htmx); the claim page with it open otherwise."""
    comment = visible_comment(pk, user=request.user)
    if not request.htmx:
        return redirect(f"{reverse('claim-detail', args=[comment.claim_id])}?reply={pk}#slot-{pk}")
    item = comment_item(comment, user=request.user)
    if not item.can_reply:
        return _refused_fragment(request, "You cannot reply to this comment now.", status=403)
    return render(request, PARTIALS + "thread_reply_form.html", {"c": item, "form": CommentForm()})


@require_GET
def comment_flag_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The flag control under a comment, loaded when asked for (htmx); the claim page with it
    open otherwise."""
    comment = visible_comment(pk, user=request.user)
    if not request.htmx:
        return redirect(f"{reverse('claim-detail', args=[comment.claim_id])}?flag={pk}#slot-{pk}")
    item = comment_item(comment, user=request.user)
    if not item.can_flag:
        return _refused_fragment(request, "You cannot flag this comment.", status=403)
    return render(request, PARTIALS + "thread_flag.html", {"c": item})


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit form under a comment, and saving it."""
    comment = visible_comment(pk, user=request.user)
    claim_id = comment.claim_id
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('claim-detail', args=[claim_id])}?edit={pk}#slot-{pk}")
        item = comment_item(comment, user=request.user)
        if not item.can_edit:
            return _refused_fragment(request, "Only its author (or a moderator) can edit this comment.", status=403)
        form = CommentEditForm(initial={"body": item.body, "side": item.side})
        return render(request, PARTIALS + "thread_edit_form.html", {"c": item, "form": form})
    form = CommentEditForm(request.POST)
    refusal = INVALID
    if form.is_valid():
        data = form.cleaned_data
        side = data["side"] if comment.parent_id is None else None
        try:
            comment_update(comment=comment, user=request.user, body=data["body"], side=side)
        except (CommentError, *REFUSALS) as error:
            refusal = _form_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Comment saved.")
                return redirect(_claim_anchor(claim_id, pk))
            return _comments(request, thread_for(request, claim_id, request.POST), fresh_slot=pk)
    if request.htmx:
        item = comment_item(comment, user=request.user)
        response = render(request, PARTIALS + "thread_edit_form.html", {"c": item, "form": form})
        return refusal.apply(reswap(retarget(response, f"#slot-{pk}"), "innerHTML"))
    opened = open_slot(thread_for(request, claim_id, {}), "edit", pk, form)
    if opened is None:
        messages.error(request, form.non_field_errors()[0] if form.non_field_errors() else "You cannot edit that.")
    return refusal.apply(claim_views._page(request, claim_id, thread_open=opened))


@require_POST
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment = visible_comment(pk, user=request.user)
    try:
        comment_delete(comment=comment, user=request.user)
    except REFUSALS as error:
        refusal = page_refusal(error)
        if request.htmx:
            response = _refused_fragment(request, refusal.message, status=refusal.status)
            return reswap(retarget(response, f"#slot-{pk}"), "innerHTML")
        messages.error(request, refusal.message)
        return redirect(_claim_anchor(comment.claim_id, pk))
    if not request.htmx:
        messages.success(request, "Comment deleted.")
        return redirect(_claim_anchor(comment.claim_id))
    return _comments(request, thread_for(request, comment.claim_id, request.POST), fresh_slot=pk)


@require_GET
def comment_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What a comment said before each edit: for its author and moderators."""
    comment = visible_comment(pk, user=request.user)
    if comment.deleted_at is not None or not may_see_history(request.user, comment):
        message = "Only the comment's author and moderators see its history."
        if comment.deleted_at is not None:
            message = "That comment was deleted; what it said is not shown."
        if request.htmx:
            return _refused_fragment(request, message, status=403)
        messages.error(request, message)
        return redirect(_claim_anchor(comment.claim_id, pk))
    context = {"comment": comment, "edits": comment_history(comment)}
    template = "thread_history.html" if request.htmx else "thread_history_page.html"
    return render(request, PARTIALS + template, context)


@require_GET
def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    """A person's public page: their recent comments that the viewer may see."""
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    comments = recent_comments_by(person, viewer=request.user)
    return render(request, "annotations/user_profile.html", {"person": person, "comments": comments})
