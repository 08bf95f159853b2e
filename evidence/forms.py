from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from evidence.choices import Stance, StudyDesign
from evidence.doi import InvalidDOI, normalize_doi
from evidence.models import SAMPLE_SIZE_MAX, Evidence, Study, Submission

NOTE_MAX = 5000
FACT_FIELDS = ("title", "year", "journal", "design")


class SubmissionForm(forms.ModelForm):
    doi = forms.CharField(
        label="DOI",
        max_length=255,
        help_text="Any common form: 10.1080/…, doi:10.1080/… or https://doi.org/10.1080/…",
    )
    stance = forms.ChoiceField(label="Stance", choices=Stance.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown, at most 5,000 characters: what the study found, and why it bears "
        "on the claim.",
    )

    class Meta:
        model = Submission
        fields = ("doi", "stance", "note", "title", "year", "journal", "design", "sample_size")
        labels = {"design": "Study design", "sample_size": "Sample size"}

    def __init__(self, *args, claim, submitter, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.submitter = submitter
        self.known_study = None
        self.fields["design"].choices = [("", "—")] + list(StudyDesign.choices)
        for name in ("title", "year", "journal", "design", "sample_size"):
            self.fields[name].help_text = ""
        # With htmx, a changed DOI asks whether the site knows the study (study facts or not).
        self.fields["doi"].widget.attrs.update(
            {
                "hx-get": reverse("evidence:study_facts", args=[claim.slug]),
                "hx-trigger": "change",
                "hx-target": "#study-facts",
                "hx-swap": "outerHTML",
                "hx-include": "#study-facts",
            }
        )

    def clean_doi(self):
        try:
            doi = normalize_doi(self.cleaned_data["doi"])
        except InvalidDOI as error:
            raise ValidationError(str(error)) from None
        existing = (
            Evidence.objects.filter(claim=self.claim, study__doi=doi)
            .select_related("study")
            .first()
        )
        if existing:
            raise ValidationError(
                format_html(
                    'This study is already evidence on this claim: <a href="{}">{}</a>.',
                    existing.study.get_absolute_url(),
                    existing.study,
                )
            )
        if (
            Submission.objects.pending()
            .filter(submitter=self.submitter, claim=self.claim, doi=doi)
            .exists()
        ):
            raise ValidationError(
                "You already have this DOI pending review on this claim: see your submissions."
            )
        self.known_study = Study.objects.filter(doi=doi).first()
        return doi

    def clean(self):
        cleaned = super().clean()
        if "doi" in cleaned and self.known_study is None:
            for name in FACT_FIELDS:
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, "Needed because the site does not know this DOI yet.")
        return cleaned

    def save(self, commit=True):
        submission = super().save(commit=False)
        submission.claim = self.claim
        submission.submitter = self.submitter
        if self.known_study is not None:
            # The site's facts win; nothing the member typed about a known study is used.
            for name in ("title", "year", "journal", "design", "sample_size"):
                setattr(submission, name, Submission._meta.get_field(name).get_default())
        if commit:
            submission.save()
        return submission


class ApproveForm(forms.Form):
    """What an editor may correct when approving: the new study's facts and the weight."""

    title = forms.CharField(label="Title", max_length=500)
    authors = forms.CharField(
        label="Authors", max_length=1000, required=False, help_text="Refalo MC, Helms ER, …"
    )
    journal = forms.CharField(label="Journal", max_length=300, required=False)
    year = forms.IntegerField(label="Year", min_value=1600, max_value=2100)
    design = forms.ChoiceField(label="Study design", choices=StudyDesign.choices)
    sample_size = forms.IntegerField(
        label="Sample size", min_value=1, max_value=SAMPLE_SIZE_MAX, required=False
    )
    weight_override = forms.IntegerField(
        label="Weight override",
        min_value=0,
        max_value=100,
        required=False,
        help_text="Leave empty to use the weight rule.",
    )
    weight_override_reason = forms.CharField(
        label="Reason for override", max_length=500, required=False
    )

    STUDY_FIELDS = ("title", "authors", "journal", "year", "design", "sample_size")

    def __init__(self, *args, study_known=False, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.study_known = study_known
        if study_known:
            for name in self.STUDY_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_for(cls, submission):
        return {
            "title": submission.title,
            "journal": submission.journal,
            "year": submission.year,
            "design": submission.design,
            "sample_size": submission.sample_size,
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("weight_override") is not None
            and not cleaned.get("weight_override_reason", "").strip()
        ):
            self.add_error("weight_override_reason", "Say why this study's weight is overridden.")
        return cleaned

    def study_facts(self):
        if self.study_known:
            return None
        facts = {name: self.cleaned_data.get(name) for name in self.STUDY_FIELDS}
        facts["authors"] = facts["authors"] or ""
        facts["journal"] = facts["journal"] or ""
        return facts


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The member reads this.",
    )
