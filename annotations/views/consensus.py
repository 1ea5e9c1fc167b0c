"""Voting on claims and seeing what the votes add up to: a claim's consensus (the block on its
page, a line in the reader's panel), the queue that steps through an article's claims, an
article's consensus summary and tag agreement, the corpus view, and the page that explains how
it is all computed.

Every consensus element is an htmx fragment that refreshes itself: while its numbers are out
of date it shows "updating" and polls, and the answer that finds them up to date is HTTP 286,
which stops the polling. A vote answers with the element it was cast from, already updating.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from annotations.selectors.consensus import (
    claim_consensus,
    corpus_consensus,
    last_refit,
    thresholds,
)
from annotations.selectors.consensus_about import consensus_about, groups_state
from annotations.selectors.consensus_pages import ArticleConsensus, article_consensus, vote_queue
from annotations.services.consensus_queue import enqueue_article_agreement
from annotations.services.votes import VOTE_VALUES, ClaimNotFound, vote_cast
from annotations.views.refusals import REFUSALS, page_refusal

STOP_POLLING = 286
UNIT_TEMPLATES = {
    "block": "annotations/partials/consensus_block.html",
    "line": "annotations/partials/consensus_line.html",
}
STATUS_TARGETS = {"block": "#vote-status", "line": "#reader-status"}
"""Where each element's page announces what happened (a live region outside the element)."""
SAVED = {"agree": "you agree", "disagree": "you disagree", "unsure": "you are unsure"}
CLAIM_GONE = "This claim was deleted meanwhile; your vote was not saved."


class UnitForm(forms.Form):
    """Which consensus element a request is for: the block on the claim page or a line in the
    reader's panel, and its slot, which keeps its ids unique on the page."""

    view = forms.ChoiceField(choices=[(name, name) for name in UNIT_TEMPLATES])
    slot = forms.RegexField(r"^[a-z][0-9]{1,18}$")


class VoteForm(forms.Form):
    value = forms.ChoiceField(choices=[(value, value) for value in VOTE_VALUES])


class QueueVoteForm(VoteForm):
    claim = forms.IntegerField(min_value=1)


def _unit(data, claim_id: int) -> dict:
    form = UnitForm(data)
    return form.cleaned_data if form.is_valid() else block_unit(claim_id)


def unit_context(request: HttpRequest, claim_id: int, unit: dict, *, message: str = "") -> dict:
    """What a claim's consensus element shows; `c` is None when the claim is gone. The block
    says why there are no opinion groups yet, when there are none."""
    consensus = claim_consensus(claim_id, user=request.user)
    ungrouped = consensus is not None and consensus.up_to_date and len(consensus.groups or []) < 2
    return {
        "unit": unit,
        "message": message,
        "status_target": STATUS_TARGETS[unit["view"]],
        "c": consensus,
        "groups": groups_state(last_refit()) if ungrouped and unit["view"] == "block" else None,
        "refresh_url": f"{reverse('claim-consensus', args=[claim_id])}?{urlencode(unit)}",
        "vote_url": reverse("claim-vote", args=[claim_id]),
        "sign_in_next": request.htmx.current_url_abs_path or reverse("claim-detail", args=[claim_id]),
    }


def _render_unit(
    request: HttpRequest, claim_id: int, unit: dict, *, status: int | None = None, message: str = ""
) -> HttpResponse:
    """The consensus element of a claim; 404 with a message when the claim is gone."""
    context = unit_context(request, claim_id, unit, message=message)
    consensus = context["c"]
    if consensus is None:
        return render(request, "annotations/partials/consensus_gone.html", context, status=404)
    if status is None:
        status = STOP_POLLING if consensus.up_to_date else 200
    return render(request, UNIT_TEMPLATES[unit["view"]], context, status=status)


def block_unit(claim_id: int) -> dict:
    """The consensus block on the claim page."""
    return {"view": "block", "slot": f"c{claim_id}"}


def _answer_vote(request: HttpRequest, claim_id: int, unit: dict, message: str, *, status: int = 200) -> HttpResponse:
    """An htmx vote gets its element back; a plain form post (no JavaScript) goes back to the
    claim page with the message."""
    if request.htmx:
        return _render_unit(request, claim_id, unit, status=status, message=message)
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, message)
    if status == 404:
        return redirect("article-list")
    return redirect("claim-detail", claim_id)


@require_GET
def claim_consensus_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_unit(request, pk, _unit(request.GET, pk))


@require_POST
def claim_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree, disagree or be unsure, from the claim page or the reader's panel (htmx)."""
    unit = _unit(request.POST, pk)
    if not request.user.is_authenticated:
        if not request.htmx:
            return redirect_to_login(reverse("claim-detail", args=[pk]))
        return _render_unit(request, pk, unit, status=403, message="Sign in to vote.")
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _answer_vote(request, pk, unit, "Choose agree, disagree or unsure.", status=400)
    value = form.cleaned_data["value"]
    try:
        vote_cast(user=request.user, claim_id=pk, value=value)
    except ClaimNotFound:
        return _answer_vote(request, pk, unit, CLAIM_GONE, status=404)
    except REFUSALS as error:
        refusal = page_refusal(error)
        return _answer_vote(request, pk, unit, refusal.message, status=refusal.status)
    return _answer_vote(request, pk, unit, f"Saved: {SAVED[value]}.")


@require_http_methods(["GET", "POST"])
def vote_queue_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Step through an article's claims one by one and vote on each; a vote moves on to the
    next claim."""
    if request.method == "POST":
        return _queue_vote(request, pk)
    claim_id = request.GET.get("claim", "")
    queue = vote_queue(article_id=pk, user=request.user, claim_id=int(claim_id) if claim_id.isdigit() else None)
    template = "annotations/partials/vote_queue.html" if request.htmx else "annotations/consensus_queue.html"
    return render(request, template, {"queue": queue})


def _queue_vote(request: HttpRequest, pk: int) -> HttpResponse:
    form = QueueVoteForm(request.POST)
    valid = form.is_valid()
    claim_id = form.cleaned_data.get("claim")
    if not request.user.is_authenticated:
        if not request.htmx:
            return redirect_to_login(reverse("vote-queue", args=[pk]))
        return _queue_answer(request, pk, claim_id, "Sign in to vote.", status=403)
    if not valid:
        return _queue_answer(request, pk, claim_id, "Choose agree, disagree or unsure.", status=400)
    value = form.cleaned_data["value"]
    try:
        vote_cast(user=request.user, claim_id=claim_id, value=value)
    except ClaimNotFound:
        return _queue_answer(request, pk, None, CLAIM_GONE, status=404)
    except REFUSALS as error:
        refusal = page_refusal(error)
        return _queue_answer(request, pk, claim_id, refusal.message, status=refusal.status)
    return _queue_answer(request, pk, claim_id, f"Saved: {SAVED[value]}.", advance=True)


def _queue_answer(
    request: HttpRequest, pk: int, claim_id: int | None, message: str, *, status: int = 200, advance: bool = False
) -> HttpResponse:
    """The queue at `claim_id` (or the claim after it) with a message about the vote."""
    queue = vote_queue(article_id=pk, user=request.user, claim_id=claim_id, advance=advance)
    url = reverse("vote-queue", args=[pk])
    if queue.claim is not None:
        url += f"?claim={queue.claim.id}"
        if advance and queue.claim.id == claim_id:
            message += " That was the last claim."
    if not request.htmx:
        messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, message)
        return redirect(url)
    response = render(request, "annotations/partials/vote_queue.html", {"queue": queue, "message": message}, status=status)
    return push_url(response, url)


def current_article_consensus(article_id: int, *, user) -> ArticleConsensus:
    """The reader's consensus section: the article's claims (those `user` may see) by status and
    its tag agreement. Tag agreement that is out of date is queued for a recompute (the
    section polls until then)."""
    consensus = article_consensus(article_id, user=user)
    if not consensus.agreement.up_to_date:
        enqueue_article_agreement(article_id)
    return consensus


@require_GET
def article_consensus_view(request: HttpRequest, pk: int) -> HttpResponse:
    consensus = current_article_consensus(pk, user=request.user)
    status = STOP_POLLING if consensus.up_to_date else 200
    return render(request, "annotations/partials/consensus_article.html", {"consensus": consensus}, status=status)


@require_GET
def corpus_view(request: HttpRequest) -> HttpResponse:
    corpus = corpus_consensus(user=request.user)
    context = {"corpus": corpus, "groups": groups_state(corpus.last_refit), "thresholds": thresholds()}
    return render(request, "annotations/consensus_corpus.html", context)


@require_GET
def about_view(request: HttpRequest) -> HttpResponse:
    """How the consensus is computed, with the corpus' own numbers."""
    return render(request, "annotations/consensus_about.html", {"about": consensus_about(user=request.user)})
