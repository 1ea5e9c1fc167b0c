"""/exports/: start an export (format and filters), watch it run, cancel it, download it; the
list of one's earlier exports (moderators: everyone's).

Every job's row is an htmx fragment: while the job is queued or running it polls
`/exports/<id>/` and is replaced by the answer; the answer for a finished job is HTTP 286,
which stops the polling. Without JavaScript the form and the cancel button post normally and
come back to the page.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import policy
from annotations.models import ConsensusStatus, ExportFormat, ExportJob, Tag
from annotations.selectors.exports_filters import FILTER_NAMES, MODERATOR_ONLY, ExportRequestError
from annotations.selectors.exports_jobs import export_file, export_job, export_jobs, is_expired
from annotations.services.exports import ExportStateError, export_cancel, export_start, file_name
from annotations.views.refusals import page_refusal

STOP_POLLING = 286
JOBS_SHOWN = 50


class ExportForm(forms.Form):
    """The fields are the filters' names; `parse_filters` validates them (via the service)."""

    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.JSONL)
    articles = forms.CharField(required=False, help_text="Article ids, comma-separated (empty: all).")
    tags = forms.MultipleChoiceField(choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple)
    since = forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Annotations created on or after this day.")
    until = forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Annotations created on or before this day.")
    annotators = forms.CharField(required=False, help_text="Usernames, comma-separated.")
    min_votes = forms.CharField(required=False, label="Minimum votes",
                                widget=forms.NumberInput(attrs={"min": 0}), help_text="Claims with at least this many votes.")
    status = forms.MultipleChoiceField(choices=ConsensusStatus.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, label="Claim status")
    split = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "80/10/10"}),
                            help_text="Train / validation / test shares of the documents.")
    seed = forms.CharField(required=False, widget=forms.NumberInput(attrs={"min": 0}),
                           help_text="Makes the split repeatable.")
    include_hidden = forms.BooleanField(required=False, label="Include content hidden by moderators")
    real_names = forms.BooleanField(required=False, label="Real usernames instead of pseudonyms")

    def __init__(self, *args, moderator: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not moderator:
            for name in MODERATOR_ONLY:
                del self.fields[name]

    def filters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "format"}

    def show(self, error: ExportRequestError) -> None:
        for field, message in error.errors.items():
            self.add_error(field if field in self.fields else None, message)


def job_row(job: ExportJob) -> dict:
    """What a job's row shows besides the job: whether it expired, its filters and what was left
    out, in words."""
    given = [(name, job.filters[name]) for name in FILTER_NAMES if name in job.filters]  # jsonb reorders keys
    described = [f"{name} = {', '.join(map(str, value)) if isinstance(value, list) else value}" for name, value in given]
    summary = job.summary or {}
    left_out = [f"{n} {kind}" for kind, n in sorted(summary.get("left_out", {}).items())]
    for fmt, written in sorted(summary.get("formats", {}).items()):
        left_out += [f"{n} {why.replace('_', ' ')} ({fmt})" for why, n in sorted(written.get("left_out", {}).items())]
    return {"job": job, "expired": is_expired(job), "filters": "; ".join(described), "left_out": ", ".join(left_out)}


def _moderator(request: HttpRequest) -> bool:
    return policy.allowed(request.user, policy.Act.MODERATE)


def _page(request: HttpRequest, form: ExportForm, *, status: int = 200) -> HttpResponse:
    moderator = _moderator(request)
    jobs = [job_row(job) for job in export_jobs(request.user, everyone=moderator)[:JOBS_SHOWN]]
    template = "annotations/partials/export_panel.html" if request.htmx else "annotations/exports.html"
    return render(request, template, {"form": form, "jobs": jobs, "moderator": moderator}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def exports_page(request: HttpRequest) -> HttpResponse:
    moderator = _moderator(request)
    if request.method == "GET":
        return _page(request, ExportForm(moderator=moderator))
    form = ExportForm(request.POST, moderator=moderator)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        job = export_start(owner=request.user, format=form.cleaned_data["format"], filters=form.filters())
    except ExportRequestError as error:
        form.show(error)
        return _page(request, form, status=400)
    except policy.NotAllowed as error:
        refusal = page_refusal(error)
        form.add_error(None, refusal.message)
        return _page(request, form, status=refusal.status)
    messages.success(request, f"Export {job.pk} started.")
    if request.htmx:
        return _page(request, ExportForm(moderator=moderator))
    return redirect("exports")


def _visible_job(request: HttpRequest, pk: int) -> ExportJob:
    """The job if the user may see it (its owner, moderators); 404 for anyone else."""
    try:
        return export_job(request.user, pk)
    except policy.NotAllowed as error:
        raise Http404(str(error)) from error


def _job_row(request: HttpRequest, job: ExportJob, *, message: str = "", status: int | None = None) -> HttpResponse:
    finished = job.status not in ("queued", "running")
    context = {**job_row(job), "message": message, "moderator": _moderator(request)}
    if status is None:
        status = STOP_POLLING if finished else 200
    return render(request, "annotations/partials/export_job.html", context, status=status)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's row, for its polling."""
    return _job_row(request, _visible_job(request, pk))


@login_required
@require_POST
def export_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    try:
        job = export_cancel(job=job, user=request.user)
        message, status = "Cancelled.", None
    except (ExportStateError, policy.NotAllowed) as error:
        message, status = str(error), 409 if isinstance(error, ExportStateError) else 403
    if request.htmx:
        return _job_row(request, job, message=message, status=status)
    messages.add_message(request, messages.SUCCESS if status is None else messages.ERROR, message)
    return redirect("exports")


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    path = export_file(job)
    if path is None:
        messages.error(request, "This export has expired." if is_expired(job) else "This export has no file to download.")
        return redirect("exports")
    return FileResponse(path.open("rb"), as_attachment=True, filename=file_name(job), content_type="application/zip")
