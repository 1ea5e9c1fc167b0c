"""Forms for the pages. They validate shape; services decide what is saved."""
from django import forms
from django.conf import settings

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
