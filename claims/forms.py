from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from claims.slugs import SLUG_MAX, slug_from_statement, unique_slug


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label="Change note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed and why. Readers see it in the claim's history.",
    )


CLAIM_TYPE_HELP = {
    "mechanistic": "explains how something works (a pathway, a process)",
    "causal": "one thing causes another",
    "associational": "two things go together, without saying which causes which",
    "interventional": "doing something (a treatment, a habit) changes an outcome",
    "descriptive": "how common, how large or how often something is",
}


class ClaimAdminForm(forms.ModelForm):
    """The claim's admin form: a slug made from the statement, and "Save and publish" with
    its change note on the same form, so that an editor publishes from the first save."""

    PUBLISH = "_publish"

    change_note = forms.CharField(
        label="Change note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed for “Save and publish”: what changed and why. Readers see it in "
        "the claim's history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            # Claims made before the limit keep their (longer) addresses: links to them live on.
            if not (self.instance.pk and len(self.instance.slug) > SLUG_MAX):
                self.fields["slug"].validators.append(MaxLengthValidator(SLUG_MAX))
                self.fields["slug"].widget.attrs["maxlength"] = SLUG_MAX
            self.fields["slug"].help_text = (
                "The claim's address. Leave empty to make one from the statement "
                f"(at most {SLUG_MAX} characters, cut at a word)."
            )
        if "claim_type" in self.fields:
            # One line per type; the admin shows help texts as HTML, so build it escaped.
            self.fields["claim_type"].help_text = format_html_join(
                mark_safe("<br>"), "<strong>{}</strong>: {}", CLAIM_TYPE_HELP.items()
            )
        if "topics" in self.fields:
            # Said for this box, in the site's words: readers browse claims by topic.
            self.fields["topics"].help_text = (
                "Readers browse claims by topic. Hold down Ctrl (⌘ on a Mac) to choose more "
                "than one."
            )
            self.fields["topics"].widget.attrs["size"] = 8

    @property
    def publishing(self) -> bool:
        return self.is_bound and self.PUBLISH in self.data

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if not slug:
            others = type(self.instance).objects.exclude(pk=self.instance.pk)
            slug = unique_slug(
                slug_from_statement(self.cleaned_data.get("statement") or ""),
                lambda s: others.filter(slug=s).exists(),
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.publishing and not (cleaned.get("change_note") or "").strip():
            self.add_error(
                "change_note",
                "Write a change note to publish: readers see it in the claim's history. "
                "Or choose “Save” to keep the changes unpublished.",
            )
        return cleaned
