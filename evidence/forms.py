from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from evidence import crossref
from evidence.choices import EffectMeasure, Stance, StudyDesign
from evidence.doi import InvalidDOI, normalize_doi
from evidence.effects import EFFECT_FIELDS, RAW_FIELDS, REPORTED_FIELDS
from evidence.models import SAMPLE_SIZE_MAX, Evidence, Study, Submission

NOTE_MAX = 5000
# Needed when the DOI is new to the site. Not the journal: preprints have none.
FACT_FIELDS = ("title", "authors", "year", "design")
# The facts Crossref can supply; design and sample size are a reader's judgement.
CROSSREF_FIELDS = ("title", "authors", "journal", "year")


class SubmissionForm(forms.ModelForm):
    doi = forms.CharField(
        label="DOI",
        # What is pasted may be a long publisher link; the DOI kept from it has the model's limit.
        max_length=2000,
        help_text="As you found it: 10.1080/…, doi:10.1080/…, or a doi.org or publisher link "
        "that contains it.",
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
        fields = (
            "doi",
            "stance",
            "note",
            "title",
            "authors",
            "year",
            "journal",
            "design",
            "sample_size",
            *EFFECT_FIELDS,
        )
        labels = {"design": "Study design", "sample_size": "Sample size"}

    def __init__(self, *args, claim, submitter, crossref_limit_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.submitter = submitter
        self.crossref_limit_keys = crossref_limit_keys
        self.known_study = None
        self.crossref = None  # what Crossref said about a DOI new to the site, if asked
        if self.is_bound:
            self._fill_from_crossref()
        self.fields["design"].choices = [("", "—")] + list(StudyDesign.choices)
        for name in ("title", "year", "journal", "design", "sample_size"):
            self.fields[name].help_text = ""
        self.fields["authors"].help_text = "Family name and initials: Refalo MC, Helms ER, …"
        self.fields["effect_measure"].choices = [("", "—")] + list(EffectMeasure.choices)
        # Shown only while the DOI is new to the site, the facts are then required: say so
        # before the member submits. (The form is `novalidate`: clean() decides, not the browser.)
        for name in FACT_FIELDS:
            self.fields[name].widget.attrs["required"] = True
        # With htmx, a changed DOI asks whether the site knows the study (study facts or not).
        self.fields["doi"].widget.attrs.update(
            {
                "data-hx-get": reverse("evidence:study_facts", args=[claim.slug]),
                # As the DOI is typed (a pause in typing), and on a paste or leaving the field.
                "data-hx-trigger": "input changed delay:600ms, change",
                "data-hx-target": "#study-facts",
                "data-hx-swap": "outerHTML",
                "data-hx-include": "#study-facts",
            }
        )

    def _fill_from_crossref(self):
        """For a DOI new to the site, take Crossref's facts for the fields left empty, so a
        member without JavaScript gets them too (the form comes back with them to check)."""
        try:
            doi = normalize_doi(self.data.get("doi", ""))
        except InvalidDOI:
            return
        if Study.objects.filter(doi=doi).exists():
            return
        self.crossref = crossref.lookup(doi, limit_keys=self.crossref_limit_keys)
        if isinstance(self.crossref, crossref.Found):
            data = self.data.copy()
            for name in CROSSREF_FIELDS:
                value = getattr(self.crossref.work, name)
                if value and not str(data.get(name, "")).strip():
                    data[name] = value
            self.data = data

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

    @property
    def effect_groups(self):
        return [
            ("The result as reported", [self[name] for name in REPORTED_FIELDS]),
            (
                "Or the raw data: intervention, then comparison",
                [self[name] for name in RAW_FIELDS],
            ),
        ]

    @property
    def effect_has_errors(self) -> bool:
        return any(name in self.errors for name in EFFECT_FIELDS)

    def save(self, commit=True):
        submission = super().save(commit=False)
        submission.claim = self.claim
        submission.submitter = self.submitter
        if self.known_study is not None:
            # The site's facts win; nothing the member typed about a known study is used.
            for name in ("title", "authors", "year", "journal", "design", "sample_size"):
                setattr(submission, name, Submission._meta.get_field(name).get_default())
        if commit:
            submission.save()
        return submission


class ApproveForm(forms.Form):
    """What an editor may correct when approving: the new study's facts and the weight."""

    title = forms.CharField(label="Title", max_length=500)
    # Required, so that an approved study never shows "Unknown authors".
    authors = forms.CharField(label="Authors", max_length=1000, help_text="Refalo MC, Helms ER, …")
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
    def initial_for(cls, submission, work=None):
        """The submission's facts, with Crossref's `work` for any the member left empty."""
        return {
            "authors": submission.authors or (work.authors if work else ""),
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


class StudyAdminForm(forms.ModelForm):
    """The admin's study form: a DOI is enough, the facts left empty come from Crossref."""

    class Meta:
        model = Study
        fields = (
            "doi",
            "title",
            "authors",
            "journal",
            "volume",
            "issue",
            "pages",
            "year",
            "design",
            "sample_size",
            "population",
            "risk_of_bias",
            "retracted",
            "retraction_note",
            "is_example",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crossref = None
        for name in ("title", "year"):
            self.fields[name].required = False
        self.fields["title"].help_text = "Leave empty to take it from Crossref."

    def clean(self):
        cleaned = super().clean()
        missing = [n for n in Study.CROSSREF_FACTS if cleaned.get(n) in (None, "")]
        doi = _normalized_or_none(cleaned.get("doi"))
        if doi and missing and not cleaned.get("is_example"):
            self.crossref = crossref.lookup(doi)
            if isinstance(self.crossref, crossref.Found):
                for name in missing:
                    value = getattr(self.crossref.work, name)
                    if value:
                        cleaned[name] = value
        why = f" {self.crossref.message}" if self.crossref and not self.crossref.ok else ""
        for name in ("title", "year"):
            if cleaned.get(name) in (None, ""):
                self.add_error(name, f"Type the {name}: Crossref could not supply it.{why}")
        return cleaned


def _normalized_or_none(raw):
    try:
        return normalize_doi(raw) if raw else None
    except InvalidDOI:
        return None


def facts_from_crossref(form, data, files) -> tuple[dict, object]:
    """The study form's values as posted, with every fact Crossref has put in their place:
    what the admin's "Fetch from DOI" button shows. Returns (initial values, lookup result)."""
    initial = {
        name: field.widget.value_from_datadict(data, files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    doi = _normalized_or_none(initial.get("doi"))
    if doi is None:
        return initial, None
    result = crossref.lookup(doi)
    if isinstance(result, crossref.Found):
        for name in Study.CROSSREF_FACTS:
            value = getattr(result.work, name)
            if value:
                initial[name] = value
    return initial, result


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="The member reads this.",
    )
