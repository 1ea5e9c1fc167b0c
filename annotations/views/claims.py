"""The claim page: the claim in context, who tagged it, the evidence for and against it, and
the counter-sources people attach (an external link, or a passage found by searching the
corpus)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations.forms import LinkSourceForm, PassageSourceForm
from annotations.models import Article, Claim
from annotations.selectors.claims import corpus_search
from annotations.selectors.reader import claim_page
from annotations.services.annotations import AnnotationError
from annotations.services.claims import source_create
from annotations.views.consensus import block_unit, unit_context

SOURCE_FORMS = {"link": LinkSourceForm, "passage": PassageSourceForm}
_FIELD_OF_ERROR = {"passage_start": "passage", "passage_end": "passage", "url": "url", "title": "title", "note": "note"}


def _page(request: HttpRequest, pk: int, *, status: int = 200, **bound: forms.Form) -> HttpResponse:
    """The claim page, its consensus block included (it polls while its numbers are updating)."""
    context = {
        "page": claim_page(pk),
        "link_form": LinkSourceForm(),
        "passage_form": PassageSourceForm(),
        **unit_context(request, pk, block_unit(pk)),
        **bound,
    }
    return render(request, "annotations/claim_detail.html", context, status=status)


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


def _save_source(form: forms.Form, *, kind: str, claim: Claim, user) -> None:
    """Create the source, or put the service's objection on the form."""
    data = form.cleaned_data
    try:
        if kind == "link":
            source_create(
                author=user, claim_id=claim.pk, stance=data["stance"], url=data["url"], title=data["title"],
                note=data["note"],
            )
        else:
            article_id, start, end = data["passage"]
            article = Article.objects.select_related("current_revision").filter(pk=article_id).first()
            if article is None:
                form.add_error("passage", "That article is no longer in the corpus.")
                return
            source_create(
                author=user, claim_id=claim.pk, stance=data["stance"], note=data["note"],
                passage_article=article, passage_start=start, passage_end=end,
            )
    except AnnotationError as error:
        form.add_error(_FIELD_OF_ERROR.get(error.field), str(error))


@require_POST
@login_required
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.only("id"), pk=pk)
    kind = request.POST.get("kind")
    if kind not in SOURCE_FORMS:
        return HttpResponse("Unknown kind of source.", status=400)
    form = SOURCE_FORMS[kind](request.POST)
    if form.is_valid():
        _save_source(form, kind=kind, claim=claim, user=request.user)
    saved = form.is_valid()
    if not request.htmx:
        if saved:
            messages.success(request, "Source attached.")
            return redirect(claim)
        return _page(request, pk, status=400, **{f"{kind}_form": form})
    context = {
        "claim": claim,
        "saved": saved,
        "page": claim_page(pk) if saved else None,
        "form": SOURCE_FORMS[kind]() if saved else form,
    }
    return render(request, f"annotations/partials/source_{kind}_form.html", context, status=200 if saved else 400)


@require_GET
def passage_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Sentences of other articles matching the query, to pick one as a source."""
    claim = get_object_or_404(Claim.objects.only("id", "article_id"), pk=pk)
    query = request.GET.get("q", "").strip()[:200]
    hits = corpus_search(query, limit=20, exclude_article_id=claim.article_id) if len(query) >= 2 else []
    return render(request, "annotations/partials/passage_results.html", {"hits": hits, "query": query})
