"""Forms for the pages. They validate shape; services decide what is saved."""
from django import forms
from django.conf import settings

from annotations.models import SourceStance, Stance, Tag
from annotations.selectors.home import SORT_LABELS
from annotations.text.notes import NOTE_MAX_CHARS

FORMAT_CHOICES = [("text", "Plain text"), ("markdown", "Markdown"), ("html", "HTML")]


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=300, required=False, help_text="Leave empty to take it from the text.")
    author = forms.CharField(max_length=200, required=False)
    source = forms.CharField(max_length=500, required=False, label="Source (URL or publisher)")
    published = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": "Paste the article here…"}),
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="text", help_text="How the pasted text is written.")
    file = forms.FileField(
        required=False,
        help_text="Or upload a .txt, .md or .html file (UTF-8, at most "
        f"{settings.REDNOTE_MAX_UPLOAD_BYTES // (1024 * 1024)} MB).",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
    )

    def clean(self):
        cleaned = super().clean()
        has_text = bool((cleaned.get("text") or "").strip())
        has_file = bool(cleaned.get("file"))
        if has_text == has_file:
            raise forms.ValidationError("Paste the text or upload a file (one of the two).")
        upload = cleaned.get("file")
        if upload and upload.size > settings.REDNOTE_MAX_UPLOAD_BYTES:
            self.add_error(
                "file",
                f"File is larger than {settings.REDNOTE_MAX_UPLOAD_BYTES / 1024 / 1024:.1f} MB.",
            )
        return cleaned


class AnnotationCreateForm(forms.Form):
    """A span of the text, as the reader's script sends it, and the tag chosen for it."""

    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    tag = forms.ChoiceField(choices=Tag.choices)
    quote = forms.CharField(required=False, strip=False)
    revision = forms.IntegerField(min_value=1, required=False)


class AnnotationEditForm(forms.Form):
    tag = forms.ChoiceField(choices=Tag.choices)
    note = forms.CharField(required=False, strip=False, max_length=NOTE_MAX_CHARS, widget=forms.Textarea)


class PanelForm(forms.Form):
    """Which part of the text the side panel shows, and its filters."""

    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    show_tag = forms.ChoiceField(choices=[("", "All tags"), *Tag.choices], required=False)
    show_author = forms.CharField(max_length=150, required=False)
    mine = forms.BooleanField(required=False)
    fresh = forms.IntegerField(required=False, widget=forms.HiddenInput, help_text="An annotation just made: its note form opens.")


class EvidenceLinkForm(forms.Form):
    claim = forms.IntegerField(error_messages={"required": "Choose a claim to link to."})
    stance = forms.ChoiceField(choices=Stance.choices, error_messages={"required": "Choose supports or refutes."})
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS, widget=forms.Textarea)


class ArticleSearchForm(forms.Form):
    """The home page's search box and sort order (a GET form; anything invalid falls back to
    all articles by recent activity)."""

    q = forms.CharField(
        required=False, max_length=200, label="Search articles",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words in the title or text"}),
    )
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()), label="Sort by")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "article-%s")
        super().__init__(*args, **kwargs)


class LinkSourceForm(forms.Form):
    """An external link; the service checks the address (http or https) and never fetches it.
    Its ids have their own prefix: the passage form beside it has fields of the same names."""

    url = forms.CharField(max_length=2000, label="Web address", widget=forms.URLInput(attrs={"placeholder": "https://…"}))
    title = forms.CharField(max_length=300)
    stance = forms.ChoiceField(choices=SourceStance.choices)
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "link-source-%s")
        super().__init__(*args, **kwargs)


class PassageSourceForm(forms.Form):
    """A passage of an article in the corpus, picked from the search results as "article:start:end"."""

    passage = forms.RegexField(
        regex=r"^\d+:\d+:\d+$", error_messages={"required": "Search the corpus and pick a passage."}
    )
    stance = forms.ChoiceField(choices=SourceStance.choices)
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "passage-source-%s")
        super().__init__(*args, **kwargs)

    def clean_passage(self) -> tuple[int, int, int]:
        article_id, start, end = (int(part) for part in self.cleaned_data["passage"].split(":"))
        return article_id, start, end


class ReviseForm(forms.Form):
    text = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 24}))
