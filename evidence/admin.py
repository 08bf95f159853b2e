from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from claimsite.inlines import (
    NamedDuplicatesFormSet,
    NumberedInlineFormSet,
    ParentChecksUniqueForm,
)
from evidence.choices import Stance
from evidence.doi import InvalidDOI, normalize_doi
from evidence.effects import EFFECT_FIELDS, RAW_FIELDS, REPORTED_FIELDS
from evidence.forms import StudyAdminForm, facts_from_crossref
from evidence.models import Evidence, GoldStandardDesign, Study

FETCH = "_fetch_crossref"
STANCE_ADJECTIVE = {Stance.SUPPORTS: "supporting", Stance.CONTRADICTS: "contradicting"}


def study_label(study) -> str:
    """How editors pick a study: DOI first (what they usually have), then who, when, what."""
    return f"{study.doi} — {study.short_authors} ({study.year}) {study.title}"


class StudyAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Study):
            result["text"] = study_label(obj)
        return result


def autocomplete_view(request):
    return StudyAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# Every study autocomplete (evidence, cited studies) goes through the site's one view.
admin.site.autocomplete_view = autocomplete_view


class StudyLabelsMixin:
    """Chosen studies in an autocomplete are labelled like the suggestions, without the
    edit and delete icons: those open pop-up windows and change the study everywhere."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and getattr(db_field, "related_model", None) is Study:
            field.widget.can_change_related = False
            field.widget.can_delete_related = False
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Study:
            field.label_from_instance = study_label
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Study:
            field.label_from_instance = study_label
        return field


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    form = StudyAdminForm
    list_display = ("doi", "title", "year", "design", "sample_size", "risk_of_bias", "retracted")
    list_filter = ("design", "year", "retracted", "risk_of_bias", "is_example")
    search_fields = ("doi", "title", "authors", "journal")
    readonly_fields = ("rule_weight", "notices_from_crossref", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": ("doi", "title", "authors"),
                "description": "A DOI and a design are enough: empty facts are filled in from "
                "Crossref when you save, and “Fetch from DOI” refreshes them now.",
            },
        ),
        ("Publication", {"fields": ("journal", ("volume", "issue", "pages"), "year")}),
        (
            "Design and quality",
            {"fields": ("design", "sample_size", "population", "risk_of_bias", "rule_weight")},
        ),
        (
            "Status",
            {"fields": ("retracted", "retraction_note", "notices_from_crossref", "is_example")},
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_fieldsets(self, request, obj=None):
        # "Example study" is for the invented demo studies (10.5555): offer it only on one.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and (obj.is_example or obj.doi.startswith("10.5555/")):
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "is_example")})
            for name, opts in fieldsets
        ]

    def get_search_results(self, request, queryset, search_term):
        # An editor pastes a DOI as they found it (a doi.org or publisher URL, "doi:…", with
        # a full stop): find the study by its stored form as well as by the usual words.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            doi = normalize_doi(search_term)
        except InvalidDOI:
            return results, may_have_duplicates
        return results | queryset.filter(doi=doi), may_have_duplicates

    @admin.display(description="Weight by the rule")
    def rule_weight(self, study):
        if not study.pk:
            return "Computed when saved."
        weight = study.weight()
        parts = ", ".join(f"{part.label} ({part.points:+d})" for part in weight.parts)
        return format_html("<strong>{}</strong> — {}", weight.value, parts)

    @admin.display(description="Notices (from Crossref)")
    def notices_from_crossref(self, study):
        notices = list(study.notices.prefetch_related("claims_awaiting_editor")) if study.pk else []
        if not notices:
            return "None recorded. check_retractions asks Crossref daily."
        return format_html_join(
            mark_safe("<br>"),
            "{}{}",
            (
                (
                    notice,
                    ", awaiting an editor on: "
                    + ", ".join(c.slug for c in notice.claims_awaiting_editor.all())
                    if notice.claims_awaiting_editor.all()
                    else "",
                )
                for notice in notices
            ),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and FETCH in request.POST:
            return self._fetch_from_doi(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _fetch_from_doi(self, request, object_id, form_url, extra_context):
        """Show the form again with Crossref's facts in place; nothing is saved until the
        editor saves. Posted with htmx, the page's form is swapped for this one."""
        obj = self.get_object(request, object_id) if object_id else None
        if object_id and obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        add = obj is None
        if not (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        form_class = self.get_form(request, obj, change=not add)
        initial, result = facts_from_crossref(form_class(), request.POST, request.FILES)
        form = form_class(instance=obj, initial=initial)
        if result is None:
            outcome = "Type a DOI first: Crossref is asked by DOI."
        elif result.ok:
            outcome = "Filled in from Crossref: check the facts, then save."
        else:
            outcome = f"{result.message} Type the facts yourself."
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Add study" if add else "Change study",
            "subtitle": None if add else str(obj),
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": [],
            "preserved_filters": self.get_preserved_filters(request),
            "crossref_outcome": outcome,
            "crossref_ok": bool(result and result.ok),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )


class EvidenceForClaimFormSet(NamedDuplicatesFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this evidence"

    def clean(self):
        super().clean()
        linked = {}
        for form in self.live_forms():
            study = form.cleaned_data.get("study")
            if study is None:
                continue
            if study.pk in linked:
                form.add_error(
                    "study",
                    f"This study is already linked to this claim as {linked[study.pk]} "
                    "evidence: change that row's stance instead of adding it again.",
                )
            else:
                stance = form.cleaned_data.get("stance") or form.instance.stance
                linked[study.pk] = STANCE_ADJECTIVE.get(stance, "")


class EvidenceRowForm(ParentChecksUniqueForm):
    @property
    def effect_has_errors(self) -> bool:
        """Whether the folded effect data must open to show its errors."""
        return any(name in self.errors for name in EFFECT_FIELDS)


EVIDENCE_ROW_FIELDS = (
    "study",
    "stance",
    "finding",
    "weight",
    "weight_override",
    "weight_override_reason",
    "indirect",
)


class EvidenceForClaimInline(StudyLabelsMixin, admin.TabularInline):
    model = Evidence
    formset = EvidenceForClaimFormSet
    form = EvidenceRowForm
    # The effect data folds under each row, across its columns and the delete box.
    effect_colspan = len(EVIDENCE_ROW_FIELDS) + 1
    effect_groups = (
        ("The result as reported", REPORTED_FIELDS),
        ("Or the raw data: intervention, then comparison", RAW_FIELDS),
    )
    # Django's table, with a name for the heading of its hidden-fields column (axe-core).
    template = "admin/evidence/evidence/tabular.html"
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # A table row's fields are labelled only by the column heading, which assistive
        # technology does not tie to each field: name each one.
        if field is not None:
            target = getattr(field.widget, "widget", field.widget)
            target.attrs["aria-label"] = str(field.label)
        return field

    def get_extra(self, request, obj=None, **kwargs):
        # A new claim starts with one evidence row, ready for its first study.
        return 1 if obj is None else 0

    autocomplete_fields = ("study",)
    fields = EVIDENCE_ROW_FIELDS + EFFECT_FIELDS
    readonly_fields = ("weight",)


class GoldStandardDesignFormSet(NumberedInlineFormSet):
    number_field = "rank"
    noun = "Rank"

    def describe(self, form):
        design = form.cleaned_data.get("design") or form.instance.design
        return f"the design ‘{GoldStandardDesign(design=design).get_design_display()}’"


class GoldStandardDesignInline(admin.StackedInline):
    model = GoldStandardDesign
    formset = GoldStandardDesignFormSet
    form = ParentChecksUniqueForm
    extra = 0
    fields = ("rank", "design", "description")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "study", "stance", "weight", "weight_override", "indirect")
    list_filter = ("stance", "indirect")
    search_fields = ("claim__statement", "claim__slug", "study__doi", "study__title")
    autocomplete_fields = ("claim", "study")
    readonly_fields = ("computed_weight", "weight")
    list_select_related = ("claim", "study")

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # A bulk delete bypasses Evidence.delete(); recompute the tallies it would have.
        claims = {evidence.claim for evidence in queryset.select_related("claim")}
        super().delete_queryset(request, queryset)
        for claim in claims:
            claim.recompute_tallies()
