"""The article list, the reader and the new-article form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from annotations.forms import ArticleForm
from annotations.selectors.articles import article_list, article_reader
from annotations.services.articles import (
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    article_create,
    article_import_file,
)
from annotations.views.consensus import current_article_consensus
from annotations.views.refusals import REFUSALS, page_refusal


def article_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(article_list(), 25).get_page(request.GET.get("page"))
    return render(request, "annotations/article_list.html", {"page": page})


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reader = article_reader(pk, user=request.user)
    if request.htmx:
        return render(request, "annotations/partials/reader_body.html", {"reader": reader, "article": reader.article})
    consensus = current_article_consensus(pk, user=request.user)
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
