from django import forms

from editorial.models import NotRelevantReason
from editorial.ranking import design_of
from evidence.choices import StudyDesign
from evidence.models import SAMPLE_SIZE_MAX

# What the title names, as the study design an editor most likely confirms.
_GUESSED_DESIGN = {
    "Meta-analysis": StudyDesign.META_ANALYSIS,
    "Systematic review": StudyDesign.META_ANALYSIS,
    "Randomised trial": StudyDesign.RCT,
}


class AddForm(forms.Form):
    """Adding a candidate as evidence: the design and size the weight rule needs."""

    design = forms.ChoiceField(
        label="Study design", choices=[("", "Choose the design…"), *StudyDesign.choices]
    )
    sample_size = forms.IntegerField(
        label="Sample size", min_value=1, max_value=SAMPLE_SIZE_MAX, required=False
    )

    @classmethod
    def for_candidate(cls, candidate, data=None):
        guess = _GUESSED_DESIGN.get(design_of(title=candidate.title, work_type=""), "")
        return cls(data, initial={"design": guess}, prefix=f"add-{candidate.pk}")


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why not relevant",
        choices=[("", "Choose a reason…"), *NotRelevantReason.choices],
    )

    @classmethod
    def for_candidate(cls, candidate, data=None):
        return cls(data, prefix=f"dismiss-{candidate.pk}")
