"""The claim page's debate section: its forms, the filter and order it is read with, and what
it shows (`thread_context`, which the claim page's view adds to its context)."""
from __future__ import annotations

from django import forms
from django.http import HttpRequest

from annotations.models import Side
from annotations.selectors.threads import NEWEST, OLDEST, Thread, claim_thread, visible_claim
from annotations.services.comments import COMMENT_MAX_CHARS, QuoteRef

# What a comment's slot can show on a full page (`?reply=<id>`, ...), and who may see it open.
SLOT_PERMISSIONS = {"reply": "can_reply", "edit": "can_edit", "flag": "can_flag"}


class CommentForm(forms.Form):
    body = forms.CharField(
        strip=False, max_length=COMMENT_MAX_CHARS, label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write something first."},
    )
    side = forms.ChoiceField(choices=[("", "No side"), *Side.choices], required=False, label="Your side")
    parent = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    quote = forms.RegexField(
        r"^\d+:\d+:\d+$", required=False, error_messages={"invalid": "Pick a passage from the search results."}
    )

    def quote_ref(self) -> QuoteRef | None:
        value = self.cleaned_data.get("quote")
        return QuoteRef(*map(int, value.split(":"))) if value else None


class CommentEditForm(forms.Form):
    body = forms.CharField(
        strip=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write something first."},
    )
    side = forms.ChoiceField(choices=[("", "No side"), *Side.choices], required=False)


class ThreadQueryForm(forms.Form):
    filter_side = forms.ChoiceField(choices=[("", "All sides"), *Side.choices], required=False, label="Side")
    ordering = forms.ChoiceField(
        choices=[(OLDEST, "Oldest first"), (NEWEST, "Newest first")], required=False, label="Order"
    )


def thread_query(data) -> dict:
    """The thread's filter and order as the page sends them; the defaults when unreadable."""
    form = ThreadQueryForm(data)
    if not form.is_valid():
        return {"filter_side": "", "ordering": OLDEST}
    return {"filter_side": form.cleaned_data["filter_side"], "ordering": form.cleaned_data["ordering"] or OLDEST}


def thread_for(request: HttpRequest, claim_id: int, data) -> Thread:
    query = thread_query(data)
    claim = visible_claim(claim_id, user=request.user)
    return claim_thread(claim, user=request.user, side=query["filter_side"], ordering=query["ordering"])


def open_slot(thread: Thread, kind: str, comment_id: int | None, form: forms.Form | None = None) -> dict | None:
    """A form shown open under a comment on a full page: a reply, an edit or a flag."""
    item = next((item for item in thread.items if item.id == comment_id), None)
    if item is None or not getattr(item, SLOT_PERMISSIONS[kind]):
        return None
    if form is None and kind == "reply":
        form = CommentForm()
    elif form is None and kind == "edit":
        form = CommentEditForm(initial={"body": item.body, "side": item.side})
    return {"id": item.id, "kind": kind, "item": item, "form": form}


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def thread_context(request: HttpRequest, claim_id: int) -> dict:
    """What the claim page's debate section shows (its template: partials/thread_section.html)."""
    thread = thread_for(request, claim_id, request.GET)
    opened = next(
        (slot for kind in SLOT_PERMISSIONS if (slot := open_slot(thread, kind, int_or_none(request.GET.get(kind))))),
        None,
    )
    return {
        "thread": thread, "comment_form": CommentForm(), "thread_open": opened,
        "thread_query": ThreadQueryForm(initial=thread_query(request.GET)),
    }
