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

    def __init__(self, *args, crossref_failed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.crossref = None
        for name in ("title", "year"):
            self.fields[name].required = False
        if not crossref_failed:
            # Not promised when Crossref has just failed to answer.
            self.fields["title"].help_text = "Leave empty to take it from Crossref."

    def clean(self):
        cleaned = super().clean()
        missing = missing_facts(cleaned)
        doi = normalized_or_none(cleaned.get("doi"))
        if doi and missing and not cleaned.get("is_example"):
            self.crossref = crossref.lookup(doi)
            if isinstance(self.crossref, crossref.Found):
                for name in missing:
                    value = getattr(self.crossref.work, name)
                    if value:
                        cleaned[name] = value
        failed = self.crossref is not None and not self.crossref.ok
        if failed:
            # The bound field keeps its own copy of the help text.
            self.fields["title"].help_text = self["title"].help_text = ""
            if any(cleaned.get(name) in (None, "") for name in ("title", "year")):
                self.add_error(None, crossref_outcome(self.crossref))
        for name in ("title", "year"):
            if cleaned.get(name) in (None, ""):
                why = "" if failed else ": Crossref could not supply it"
                self.add_error(name, f"Type the {name}{why}.")
        return cleaned


def missing_facts(values) -> list[str]:
    """The facts Crossref can give that a study form's `values` leave empty."""
    return [name for name in Study.CROSSREF_FACTS if values.get(name) in (None, "")]


def crossref_outcome(result) -> str:
    """What an editor is told when Crossref did not give a DOI's facts: in words, never the
    network's own error ("[Errno -2] Name or service not known")."""
    if isinstance(result, crossref.Unreachable):
        return "Crossref could not be reached; type the facts below."
    if isinstance(result, crossref.NotFound):
        return "Crossref does not know this DOI; type the facts below."
    if isinstance(result, crossref.Malformed):
        return "Crossref's answer could not be read; type the facts below."
    return f"{result.message} Or type the facts below."


class NewStudyFields(forms.Form):
    """A study by DOI, in place: the DOI of a study new to the site and its design on an
    evidence row. Crossref gives the title, authors and year when the row is saved; when it
    cannot, the editor types them, and only the missing ones are asked for."""

    new_doi = forms.CharField(
        label="Or a DOI new to the site",
        required=False,
        max_length=2000,
        help_text="Added from Crossref when you save; choose its design.",
    )
    new_design = forms.ChoiceField(
        label="Its design", required=False, choices=[("", "---------"), *StudyDesign.choices]
    )
    new_title = forms.CharField(label="Title", required=False, max_length=500)
    new_authors = forms.CharField(
        label="Authors", required=False, max_length=1000, help_text="Refalo MC, Helms ER, …"
    )
    new_year = forms.IntegerField(label="Year", required=False, min_value=1600, max_value=2100)

    NAMES = ("new_doi", "new_design", "new_title", "new_authors", "new_year")
    TYPED_FACTS = ("new_title", "new_authors", "new_year")


def study_for_new_doi(form, cleaned) -> Study | None:
    """The study a row's "new DOI" names: the site's own if it knows the DOI, else a new,
    unsaved Study with Crossref's facts (or the typed ones) and the chosen design. Problems
    are added to `form` beside their fields, and None is returned."""
    try:
        doi = normalize_doi(cleaned.get("new_doi") or "")
    except InvalidDOI as error:
        form.add_error("new_doi", str(error))
        return None
    longest = Study._meta.get_field("doi").max_length
    if len(doi) > longest:
        form.add_error(
            "new_doi", f"A DOI has at most {longest} characters; this one has {len(doi)}."
        )
        return None
    known = Study.objects.filter(doi=doi).first()
    if known is not None:
        return known
    study = Study(
        doi=doi,
        design=cleaned.get("new_design") or "",
        title=cleaned.get("new_title") or "",
        authors=cleaned.get("new_authors") or "",
        year=cleaned.get("new_year"),
    )
    result = None
    if needs_crossref(study.title, study.year):
        result = crossref.lookup(doi)
        if isinstance(result, crossref.Found):
            study.fill_missing_facts(result.work)
    problems = {}
    if not study.design:
        problems["new_design"] = "Choose the study's design: Crossref does not say it."
    for name in ("title", "year"):
        if getattr(study, name) in (None, ""):
            problems[f"new_{name}"] = f"Type the {name}."
    if result is not None and not result.ok:
        # No help promising Crossref when it has just failed.
        form.fields["new_doi"].help_text = form["new_doi"].help_text = ""
        if "new_title" in problems or "new_year" in problems:
            problems["new_doi"] = crossref_outcome(result)
    for name, message in problems.items():
        form.add_error(name, message)
    if problems:
        return None
    try:
        study.full_clean(exclude=("doi",))
    except ValidationError as error:
        form.add_error("new_doi", " ".join(error.messages))
        return None
    return study


def needs_crossref(title, year) -> bool:
    """Whether a new study's row asks Crossref: for what the editor did not type."""
    return not (title and year)


def normalized_or_none(raw):
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
    doi = normalized_or_none(initial.get("doi"))
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
