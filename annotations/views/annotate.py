"""Annotating in the reader, and revising an article.

The reader's endpoints are htmx requests made with `hx-swap="none"`: they save through a
service and answer with out-of-band partials (the annotation data the script draws from, the
side panel, the status line). Errors go to the status line with a 4xx status.
"""
from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from annotations.forms import (
    AnnotationCreateForm,
    AnnotationEditForm,
    EvidenceLinkForm,
    PanelForm,
    ReviseForm,
)
from annotations.models import Annotation, Article
from annotations.policy import Act, check
from annotations.selectors.reader import (
    annotation_delta,
    annotation_panel,
    claim_choices,
    live_stamp,
    orphaned_annotations,
    reader_layer,
)
from annotations.services.annotations import (
    AlreadyPosted,
    AnnotationError,
    annotation_create,
    annotation_delete,
    annotation_update,
)
from annotations.services.articles import ArticleError
from annotations.services.claims import evidence_link_create
from annotations.services.revisions import article_revise
from annotations.views.consensus import current_article_consensus
from annotations.views.refusals import REFUSALS, page_refusal


def _problem(message: str, *, status: int = 400) -> HttpResponse:
    """An error for the reader's status line."""
    response = HttpResponse(format_html('<span class="error">{}</span>', message), status=status)
    return reswap(retarget(response, "#reader-status"), "innerHTML")


def _refused(error) -> HttpResponse:
    """A refusal by the policy or the rate limits, on the reader's status line."""
    refusal = page_refusal(error)
    return refusal.apply(_problem(refusal.message))


def _first_error(form: forms.Form) -> str:
    field, errors = next(iter(form.errors.items()))
    if field not in form.fields:
        return errors[0]
    return f"{form.fields[field].label or field.capitalize()}: {errors[0]}"


def _signed_in(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return _problem("Sign in to annotate.", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _panel_query(data) -> dict | None:
    """The range and filters of the side panel as the page sends them, if any."""
    form = PanelForm(data)
    if not form.is_valid():
        return None
    clean = form.cleaned_data
    return {
        "start": clean["start"],
        "end": clean["end"],
        "tag": clean["show_tag"],
        "author": clean["show_author"],
        "mine": clean["mine"],
        "fresh_id": clean["fresh"],
    }


def _update(
    request: HttpRequest, *, article_id: int, panel: dict | None, status: str = "", layer: bool = True
) -> HttpResponse:
    """The out-of-band partials that bring a reader up to date (with the layer, the article's
    consensus summary: its claims may have changed)."""
    context = {
        "layer": reader_layer(article_id, user=request.user) if layer else None,
        "consensus": current_article_consensus(article_id, user=request.user) if layer else None,
        "panel": annotation_panel(article_id=article_id, user=request.user, **panel) if panel else None,
        "status": status,
    }
    return render(request, "annotations/partials/reader_update.html", context)


@require_POST
@_signed_in
def annotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.only("id"), pk=pk)
    form = AnnotationCreateForm(request.POST)
    if not form.is_valid():
        return _problem(_first_error(form))
    data = form.cleaned_data
    try:
        annotation = annotation_create(
            author=request.user,
            article=article,
            start=data["start"],
            end=data["end"],
            tag=data["tag"],
            quote=data["quote"] or None,
            revision_number=data["revision"],
        )
    except AlreadyPosted as error:  # the same span and tag again: the one already saved stands
        annotation = error.existing
    except REFUSALS as error:
        return _refused(error)
    except AnnotationError as error:
        return _problem(str(error))
    # Only what changed, to answer fast: the page then asks for the panel, and its next live
    # update brings anything else that changed meanwhile.
    context = {
        "delta": annotation_delta(annotation, user=request.user),
        "status": f"Saved as {annotation.get_tag_display().lower()}. You can add a note in the panel.",
        "consensus": current_article_consensus(article.pk, user=request.user),
    }
    return render(request, "annotations/partials/annotation_added.html", context)


@require_GET
def annotation_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel_query(request.GET)
    if panel is None:
        return _problem("Select a sentence or a passage first.")
    return _update(request, article_id=pk, panel=panel, layer=False)


@require_GET
def article_live(request: HttpRequest, pk: int) -> HttpResponse:
    """204 while nothing changed since the client's stamp; else fresh data and panel."""
    if request.GET.get("since") == live_stamp(pk):
        return HttpResponse(status=204)
    return _update(request, article_id=pk, panel=_panel_query(request.GET))


@require_POST
@_signed_in
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk)
    form = AnnotationEditForm(request.POST)
    if not form.is_valid():
        return _problem(_first_error(form))
    try:
        annotation_update(
            annotation=annotation, user=request.user, tag=form.cleaned_data["tag"], note=form.cleaned_data["note"]
        )
    except REFUSALS as error:
        return _refused(error)
    except AnnotationError as error:
        return _problem(str(error))
    return _update(request, article_id=annotation.article_id, panel=_panel_query(request.POST), status="Saved.")


@require_POST
@_signed_in
def annotation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk)
    try:
        annotation_delete(annotation=annotation, user=request.user)
    except REFUSALS as error:
        return _refused(error)
    return _update(request, article_id=annotation.article_id, panel=_panel_query(request.POST), status="Deleted.")


@require_POST
@_signed_in
def evidence_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _problem(_first_error(form))
    data = form.cleaned_data
    try:
        evidence_link_create(
            author=request.user, evidence=annotation, claim_id=data["claim"], stance=data["stance"], note=data["note"]
        )
    except REFUSALS as error:
        return _refused(error)
    except AnnotationError as error:
        return _problem(str(error))
    return _update(
        request,
        article_id=annotation.article_id,
        panel=_panel_query(request.POST),
        status="Linked to the claim.",
        layer=False,
    )


@require_GET
def claim_search(request: HttpRequest) -> HttpResponse:
    """Claims across the corpus to link evidence to, as radio buttons."""
    claims = claim_choices(request.GET.get("q", "").strip()[:200], user=request.user)
    return render(request, "annotations/partials/claim_choices.html", {"claims": claims})


@login_required
def article_revise_page(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    refusal = check(request.user, Act.REVISE_ARTICLE, article)
    if refusal is not None:
        context = {"article": article, "refusal": str(refusal)}
        return render(request, "annotations/article_revise.html", context, status=page_refusal(refusal).status)
    form = ReviseForm(request.POST or None, initial={"text": article.current_revision.text})
    if request.method == "POST" and form.is_valid():
        try:
            revision = article_revise(article=article, text=form.cleaned_data["text"], user=request.user)
        except REFUSALS as error:
            form.add_error(None, page_refusal(error).message)
        except ArticleError as error:
            form.add_error("text", str(error))
        else:
            orphans = len(orphaned_annotations(article, user=request.user))
            messages.success(
                request,
                f"Saved revision {revision.number}."
                + (f" {orphans} annotation{'s' if orphans != 1 else ''} could not be placed in the new text;"
                   " see “Orphaned annotations”." if orphans else ""),
            )
            return redirect(article)
    return render(
        request, "annotations/article_revise.html", {"article": article, "form": form}, status=400 if form.errors else 200
    )
