from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from claims.models import Claim
from claimsite.admin import RequiredAutocompleteSelect
from claimsite.inlines import NumberedInlineFormSet, ParentChecksUniqueForm
from evidence.admin import StudyLabelsMixin, study_label
from evidence.doi import find_dois
from evidence.models import Study
from mechanisms.models import CausalStep, Mechanism, Provenance, StepCitation

RETURN_TO = "_return_to"


class MechanismFormSet(NumberedInlineFormSet):
    number_field = "rank"
    noun = "Rank"

    def describe(self, form):
        title = form.cleaned_data.get("title") or form.instance.title
        return f"the mechanism ‘{title}’"


class CausalStepFormSet(NumberedInlineFormSet):
    number_field = "order"
    noun = "Step"

    def describe(self, form):
        text = (form.cleaned_data.get("text") or "").strip()
        return f"the step “{text[:60]}{'…' if len(text) > 60 else ''}”"


def cite_dois_in_text(step):
    """A DOI written in the step's text makes the study with that DOI a cited study, so the
    editor enters a citation once. DOIs the site does not know stay plain links."""
    known = Study.objects.filter(doi__in=find_dois(step.text))
    step.cite(*known)


# One box of cited studies per provenance: the editor says what each study shows for the step
# by the box it goes in (a study in two boxes is refused).
PROVENANCE_FIELDS = {
    "cited_in_people": (Provenance.PEOPLE, "Cited: measured directly in people"),
    "cited_elsewhere": (
        Provenance.OTHER_SETTING,
        "Cited: measured in another setting (animals, cells, other people)",
    ),
    "cited_as_background": (Provenance.BACKGROUND, "Cited as background"),
}


def _cited_field(label, help_text=""):
    return forms.ModelMultipleChoiceField(
        queryset=Study.objects.all(), required=False, label=label, help_text=help_text
    )


class CausalStepForm(ParentChecksUniqueForm):
    """A step with its citations, in three boxes by what each study shows for it."""

    cited_in_people = _cited_field(PROVENANCE_FIELDS["cited_in_people"][1])
    cited_elsewhere = _cited_field(PROVENANCE_FIELDS["cited_elsewhere"][1])
    cited_as_background = _cited_field(
        PROVENANCE_FIELDS["cited_as_background"][1],
        "The support level follows from these boxes: two studies measuring the step in people "
        "verify it, one supports it, background or another setting only is limited "
        "evidence. A DOI in the text is added by its study's design.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {key: [] for key in PROVENANCE_FIELDS}
        if self.instance.pk:
            for citation in self.instance.citations.all():
                for key, (provenance, _) in PROVENANCE_FIELDS.items():
                    if citation.provenance == provenance:
                        chosen[key].append(citation.study_id)
        m2m = CausalStep._meta.get_field("cited_studies")
        for key in PROVENANCE_FIELDS:
            field = self.fields[key]
            field.initial = chosen[key]
            field.widget = AutocompleteSelectMultiple(m2m, admin.site, choices=field.choices)
            field.label_from_instance = study_label

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for key in PROVENANCE_FIELDS:
            for study in cleaned.get(key) or []:
                if study.pk in seen:
                    self.add_error(
                        key,
                        f"{study.doi} is already under “{PROVENANCE_FIELDS[seen[study.pk]][1]}”: "
                        "put each study in one box, by what it shows for this step.",
                    )
                seen.setdefault(study.pk, key)
        if (
            cleaned.get("support_override")
            and not (cleaned.get("support_override_reason") or "").strip()
        ):
            self.add_error(
                "support_override_reason", "Say why: readers see the reason beside the level."
            )
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        wanted = {
            study.pk: provenance
            for key, (provenance, _) in PROVENANCE_FIELDS.items()
            for study in self.cleaned_data.get(key) or []
        }
        step = self.instance
        step.citations.exclude(study_id__in=wanted).delete()
        for study_id, provenance in wanted.items():
            StepCitation.objects.update_or_create(
                step=step, study_id=study_id, defaults={"provenance": provenance}
            )


class MechanismRowForm(ParentChecksUniqueForm):
    """A mechanism on the claim's page, with new causal steps typed one per line, so that a
    claim is made with its steps in one save (Django has no nested inlines)."""

    new_steps = forms.CharField(
        label="Add causal steps",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="One step per line, in order. Markdown; a DOI of a study on the site cites "
        "it. Citations by provenance and support overrides are on the mechanism's page.",
    )

    def clean_new_steps(self):
        text = self.cleaned_data.get("new_steps") or ""
        field = CausalStep._meta.get_field("text")
        for number, line in enumerate(
            (line.strip() for line in text.splitlines() if line.strip()), start=1
        ):
            try:
                field.run_validators(line)
            except ValidationError as error:
                raise ValidationError(f"Step {number}: {' '.join(error.messages)}") from None
        return text

    def step_texts(self) -> list[str]:
        text = self.cleaned_data.get("new_steps") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _save_m2m(self):
        super()._save_m2m()
        mechanism = self.instance
        last = max((step.order for step in mechanism.steps.all()), default=0)
        for number, text in enumerate(self.step_texts(), start=last + 1):
            step = CausalStep.objects.create(mechanism=mechanism, order=number, text=text)
            cite_dois_in_text(step)


class MechanismInline(admin.StackedInline):
    """The claim's mechanisms on the claim's page, with new steps one per line; a step's
    citations and support are edited on the mechanism's own page, which comes back here."""

    model = Mechanism
    formset = MechanismFormSet
    form = MechanismRowForm
    extra = 1
    fields = ("rank", "title", "how_it_works", "simple_terms", "causal_steps", "new_steps")
    readonly_fields = ("causal_steps",)

    def get_extra(self, request, obj=None, **kwargs):
        # An empty form on a claim with mechanisms would sit among them like a missing one.
        return 0 if obj is not None and obj.mechanisms.exists() else 1

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps")

    @admin.display(description="Causal steps")
    def causal_steps(self, mechanism):
        if not mechanism.pk:
            return "None yet: type them below, one per line."
        steps = mechanism.steps.all()
        back = reverse("admin:claims_claim_change", args=[mechanism.claim_id])
        url = reverse("admin:mechanisms_mechanism_change", args=[mechanism.pk])
        label = f"Edit the {len(steps)} steps" if steps else "Add the causal steps"
        listed = format_html_join(
            "",
            '<li value="{}">{}</li>',
            ((s.order, Truncator(s.text).words(14)) for s in steps),
        )
        return format_html(
            '{}<a class="button" href="{}?{}={}">{} →</a>',
            format_html('<ol class="causal-steps">{}</ol>', listed) if steps else "No steps yet. ",
            url,
            RETURN_TO,
            back,
            label,
        )


class CausalStepInline(StudyLabelsMixin, admin.StackedInline):
    model = CausalStep
    formset = CausalStepFormSet
    form = CausalStepForm
    extra = 2
    fields = (
        "order",
        "text",
        *PROVENANCE_FIELDS,
        "support_by_rule",
        "support_override",
        "support_override_reason",
    )
    readonly_fields = ("support_by_rule",)

    @admin.display(description="Support level by the rule")
    def support_by_rule(self, step):
        if not step.pk:
            return "Follows from the cited studies when you save."
        support = step.support(list(step.citations.all()))
        return f"{support.computed_label}: {support.reason}"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.steps.exists() else 2

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            field.help_text = (
                "Markdown. A DOI written here (e.g. 10.1234/abcd) of a study on the site "
                "becomes one of the step's cited studies when you save."
            )
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("citations__study")


@admin.register(Mechanism)
class MechanismAdmin(admin.ModelAdmin):
    list_display = ("title", "claim", "rank")
    list_filter = ("claim__claim_type",)
    search_fields = ("title", "claim__statement", "claim__slug")
    autocomplete_fields = ("claim",)
    list_select_related = ("claim",)
    fields = ("claim", "rank", "title", "how_it_works", "simple_terms")
    inlines = (CausalStepInline,)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            kwargs["widget"] = RequiredAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is CausalStep:
            for step_form in formset.forms:
                if step_form.instance.pk and step_form.has_changed():
                    cite_dois_in_text(step_form.instance)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The editors' page lists claims changed since they were published by this date.
        Claim.objects.filter(pk=form.instance.claim_id).update(updated_at=timezone.now())

    def _return_to(self, request):
        url = request.POST.get(RETURN_TO) or request.GET.get(RETURN_TO)
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return None

    def render_change_form(self, request, context, *args, **kwargs):
        context["return_to"] = self._return_to(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request, obj):
        back = self._return_to(request)
        if back and "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, f"Saved the mechanism “{obj}” and its steps.")
            return HttpResponseRedirect(back)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        back = self._return_to(request)
        if back and "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, f"Added the mechanism “{obj}” and its steps.")
            return HttpResponseRedirect(back)
        return super().response_add(request, obj, post_url_continue)
