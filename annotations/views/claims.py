"""The claim page: the claim in context, who tagged it, the evidence for and against it, and
the counter-sources people attach (an external link, or a passage found by searching the
corpus)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations.forms import LinkSourceForm, PassageSourceForm
from annotations.models import Article, Claim
from annotations.policy import can_see
from annotations.selectors.claims import corpus_search
from annotations.selectors.consensus_pages import claim_stamps
from annotations.selectors.read_keys import claim_visitor_key
from annotations.selectors.reader import claim_page
from annotations.services.annotations import AlreadyPosted, AnnotationError
from annotations.services.claims import source_create
from annotations.views.consensus import block_unit, unit_context
from annotations.views.refusals import REFUSALS, PageRefusal, page_refusal
from annotations.views.thread_section import SLOT_PERMISSIONS, thread_context
from annotations.views.visitor_cache import cached_for_visitors

SOURCE_FORMS = {"link": LinkSourceForm, "passage": PassageSourceForm}
_FIELD_OF_ERROR = {"passage_start": "passage", "passage_end": "passage", "url": "url", "title": "title", "note": "note"}


def claim_about(request: HttpRequest, pk: int) -> dict:
    """What the claim page shows about the claim besides its thread (partials/claim_refresh.html):
    the claim in context, its consensus block (which polls while its numbers are updating), who
    tagged it, its evidence and sources, and the stamp the page's live poll sends back."""
    stamps = claim_stamps(pk)
    return {
        "page": claim_page(pk, user=request.user),
        **unit_context(request, pk, block_unit(pk)),
        "about_stamp": stamps.about if stamps else "",
    }


def _page(request: HttpRequest, pk: int, *, status: int = 200, **bound: forms.Form) -> HttpResponse:
    """The claim page, with forms given in `bound` in place of empty ones."""
    context = {
        **claim_about(request, pk),
        "link_form": LinkSourceForm(),
        "passage_form": PassageSourceForm(),
        **thread_context(request, pk),
        **bound,
    }
    return render(request, "annotations/claim_detail.html", context, status=status)


@cached_for_visitors(claim_visitor_key, params=("filter_side", "ordering", *SLOT_PERMISSIONS))
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


def _save_source(form: forms.Form, *, kind: str, claim: Claim, user) -> PageRefusal | None:
    """Create the source, or put the service's objection on the form (and return it when it
    is a refusal by the policy or the rate limits)."""
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
                return None
            source_create(
                author=user, claim_id=claim.pk, stance=data["stance"], note=data["note"],
                passage_article=article, passage_start=start, passage_end=end,
            )
    except AlreadyPosted:  # the same source again: the one already attached stands
        return None
    except REFUSALS as error:
        refusal = page_refusal(error)
        form.add_error(None, refusal.message)
        return refusal
    except AnnotationError as error:
        form.add_error(_FIELD_OF_ERROR.get(error.field), str(error))
    return None


def _visible_claim(request: HttpRequest, pk: int, *fields: str) -> Claim:
    """The claim, or 404 when it does not exist or is hidden from the user."""
    claim = get_object_or_404(Claim.objects.only("id", "hidden_at", "created_by_id", *fields), pk=pk)
    if not can_see(request.user, claim):
        raise Http404("No such claim.")
    return claim


@require_POST
@login_required
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _visible_claim(request, pk)
    kind = request.POST.get("kind")
    if kind not in SOURCE_FORMS:
        return HttpResponse("Unknown kind of source.", status=400)
    form = SOURCE_FORMS[kind](request.POST)
    refusal = _save_source(form, kind=kind, claim=claim, user=request.user) if form.is_valid() else None
    saved = form.is_valid()
    status = 200 if saved else refusal.status if refusal else 400
    if not request.htmx:
        if saved:
            messages.success(request, "Source attached.")
            return redirect(claim)
        return _page(request, pk, status=status, **{f"{kind}_form": form})
    context = {
        "claim": claim,
        "saved": saved,
        **(claim_about(request, pk) if saved else {}),
        "form": SOURCE_FORMS[kind]() if saved else form,
        "form_template": f"annotations/partials/source_{kind}_form.html",
    }
    # Saved: the form again, empty, and out of band the rest of what the page shows about the
    # claim (its consensus block counts the new source).
    response = render(request, "annotations/partials/source_answer.html", context, status=status)
    return refusal.apply(response) if refusal else response


@require_GET
def passage_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Sentences of other articles matching the query, to pick one as a source."""
    claim = _visible_claim(request, pk, "article_id")
    query = request.GET.get("q", "").strip()[:200]
    hits = corpus_search(query, limit=20, exclude_article_id=claim.article_id) if len(query) >= 2 else []
    return render(request, "annotations/partials/passage_results.html", {"hits": hits, "query": query})
