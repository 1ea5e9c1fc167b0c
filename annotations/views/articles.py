"""The home page (the article list), the reader and the new-article form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from annotations.forms import ArticleForm, ArticleSearchForm
from annotations.selectors.articles import article_reader
from annotations.selectors.home import PER_PAGE, Sort, home_listing, home_stamp
from annotations.selectors.read_keys import reader_visitor_key
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_create,
    article_import_file,
)
from annotations.views.consensus import current_article_consensus
from annotations.views.refusals import REFUSALS, page_refusal
from annotations.views.visitor_cache import cached_for_visitors

HOME_SECONDS = 30
"""How long a visitor's cached home page lives: its cards say when each article was last active."""


@cached_for_visitors(home_stamp, params=("q", "sort", "page"), seconds=HOME_SECONDS)
def article_index(request: HttpRequest) -> HttpResponse:
    """The home page: what rednote is, where readers stand, and the articles as cards, searched
    and sorted (`q`, `sort`), 25 a page."""
    form = ArticleSearchForm(request.GET)
    form.is_valid()  # an invalid field is left out of cleaned_data: its default stands
    query = form.cleaned_data.get("q", "").strip()
    sort = Sort(form.cleaned_data.get("sort") or Sort.ACTIVITY)
    listing = home_listing(query=query, sort=sort, page=request.GET.get("page"), user=request.user)
    kept = urlencode({key: value for key, value in (("q", query), ("sort", form.cleaned_data.get("sort"))) if value})
    context = {
        "form": form,
        "query": query,
        "page": Paginator(range(listing.count), PER_PAGE).page(listing.number),
        "cards": listing.cards,
        "standings": listing.standings,
        "page_query": f"{kept}&" if kept else "",
    }
    return render(request, "annotations/article_list.html", context)


@cached_for_visitors(reader_visitor_key)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reader = article_reader(pk, user=request.user)
    if request.htmx:
        return render(request, "annotations/partials/reader_body.html", {"reader": reader, "article": reader.article})
    # Read only when the page's cached consensus section is out of date (Reader.consensus_key);
    # a stale tag agreement is queued for a recompute then, and the sweep catches up on the rest.
    consensus = SimpleLazyObject(lambda: current_article_consensus(pk, user=request.user))
    context = {"reader": reader, "article": reader.article, "consensus": consensus}
    return render(request, "annotations/article_detail.html", context)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        metadata = ArticleMetadata(
            title=data["title"] or None,
            author=data["author"] or None,
            source=data["source"] or None,
            published=data["published"],
        )
        try:
            if data["file"]:
                upload = data["file"]
                article = article_import_file(
                    data=upload.read(), filename=upload.name, metadata=metadata, created_by=request.user
                )
            else:
                article = article_create(
                    text=data["text"], fmt=data["format"], metadata=metadata, created_by=request.user
                )
        except DuplicateArticle as error:
            messages.info(request, str(error))
            return redirect(error.existing)
        except REFUSALS as error:
            refusal = page_refusal(error)
            form.add_error(None, refusal.message)
            status = refusal.status
        except ArticleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, f"Added “{article.title}”.")
            return redirect(article)
    if form.errors and status == 200:
        status = 400
    return render(request, "annotations/article_form.html", {"form": form}, status=status)
