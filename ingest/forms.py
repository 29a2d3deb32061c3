"""The "New source from text" form: a pasted text or an uploaded .txt/.html file, and what a
source needs to be found (title, publisher, date, address)."""

from django import forms
from django.core.exceptions import ValidationError

from core.models import Source, SourceKind
from core.models.records import PARTIAL_DATE_VALIDATOR
from ingest.htmltext import html_parts

#: Text sources only: a dataset is cited by locator, and has no text to propose from.
TEXT_KINDS = [
    (k.value, k.label)
    for k in (SourceKind.NEWS_ARTICLE, SourceKind.OFFICIAL_STATEMENT, SourceKind.OTHER)
]
MAX_UPLOAD = 2 * 1024 * 1024


class NewSourceForm(forms.Form):
    """What the page asks; the source itself is made by ``core.services.record_save``."""

    #: The uploaded HTML page's <title>: the source's title when none is typed.
    page_title = ""

    kind = forms.ChoiceField(choices=TEXT_KINDS, initial=SourceKind.NEWS_ARTICLE)
    title = forms.CharField(max_length=500, required=False)
    publisher = forms.CharField(max_length=300, required=False)
    published = forms.CharField(
        max_length=10,
        required=False,
        validators=[PARTIAL_DATE_VALIDATOR],
        help_text="YYYY, YYYY-MM or YYYY-MM-DD. Relative dates (“last month”) are read "
        "against it when it is known to the day.",
    )
    document_url = forms.URLField(
        label="Document URL", max_length=1000, required=False, assume_scheme="https"
    )
    language = forms.CharField(max_length=8, required=False, initial="en")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        required=False,
        strip=False,
        help_text="Paste the article's text, or upload a file below.",
    )
    upload = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text=".txt or .html (UTF-8); HTML is reduced to its text.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return ""
        name = (upload.name or "").lower()
        if not name.endswith((".txt", ".html", ".htm")):
            raise ValidationError("Upload a .txt or .html file.")
        if upload.size > MAX_UPLOAD:
            raise ValidationError(f"The file is larger than {MAX_UPLOAD // 1024 // 1024} MB.")
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None
        if name.endswith((".html", ".htm")):
            self.page_title, content = html_parts(content)
        return content

    def clean(self):
        cleaned = super().clean()
        pasted, uploaded = cleaned.get("text") or "", cleaned.get("upload") or ""
        if pasted.strip() and uploaded.strip():
            raise ValidationError("Paste a text or upload a file, not both.")
        if not (pasted.strip() or uploaded.strip()):
            raise ValidationError("Paste the text, or upload a .txt or .html file.")
        cleaned["text"] = pasted if pasted.strip() else uploaded
        if not (cleaned.get("title") or "").strip() and uploaded.strip():
            cleaned["title"] = self.page_title[:500]  # an HTML page's own title
        return cleaned

    def source(self) -> Source:
        """The unsaved draft source the form describes."""
        data = self.cleaned_data
        return Source(
            kind=data["kind"],
            title=data["title"].strip(),
            publisher=data["publisher"].strip(),
            published=data["published"],
            document_url=data["document_url"],
            language=data["language"].strip(),
            text=data["text"],
        )
