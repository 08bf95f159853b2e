import json
import re

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claimsite.admin import RequiredAutocompleteSelect
from claimsite.inlines import (
    NamedDuplicatesFormSet,
    NumberedInlineFormSet,
    ParentChecksUniqueForm,
)
from evidence import crossref
from evidence.choices import Stance
from evidence.doi import InvalidDOI, normalize_doi
from evidence.effects import EFFECT_FIELDS, RAW_FIELDS, REPORTED_FIELDS
from evidence.forms import (
    NewStudyFields,
    StudyAdminForm,
    crossref_outcome,
    facts_from_crossref,
    missing_facts,
    needs_crossref,
    normalized_or_none,
    study_for_new_doi,
)
from evidence.models import Evidence, GoldStandardDesign, Study

FETCH = "_fetch_crossref"
STANCE_ADJECTIVE = {Stance.SUPPORTS: "supporting", Stance.CONTRADICTS: "contradicting"}


def study_label(study) -> str:
    """How editors pick a study: DOI first (what they usually have), then who, when, what."""
    return f"{study.doi} — {study.short_authors} ({study.year}) {study.title}"


# The choice an evidence row's study box offers for a DOI the site does not know.
NEW_DOI_CHOICE = "doi:"
# The name of an evidence row's DOI field, as htmx sends it to the preview.
NEW_DOI_PARAMETER = re.compile(r"evidence-(\d+|__prefix__)-new_doi")


# An evidence row's study box and new DOI, as a claim's form posts them.
ROW_DOI_FIELD = re.compile(r"(evidence-\d+-)(study|new_doi)")


def dois_to_look_up(post, *, study_form: bool = False) -> set[str]:
    """The DOIs that saving `post` would ask Crossref about: a new study's in an evidence row
    (chosen in the study box or typed as its new DOI) whose title or year was not typed, and,
    from the study form (`study_form`), its DOI when Crossref's facts are missing."""
    raw = []
    if study_form and not post.get("is_example") and missing_facts(post):
        raw.append(post.get("doi", ""))
    for name, value in post.items():
        match = ROW_DOI_FIELD.fullmatch(name)
        if match is None:
            continue
        prefix, field = match.groups()
        if field == "study":
            if not value.startswith(NEW_DOI_CHOICE):
                continue
            value = value.removeprefix(NEW_DOI_CHOICE)
        if needs_crossref(post.get(prefix + "new_title"), post.get(prefix + "new_year")):
            raw.append(value)
    dois = set(filter(None, map(normalized_or_none, raw)))
    if not study_form:
        # A row whose DOI the site knows takes that study, and asks nothing.
        dois -= set(Study.objects.filter(doi__in=dois).values_list("doi", flat=True))
    return dois


class CrossrefBeforeTransaction:
    """Ask Crossref before the admin opens a save's transaction, not inside it.

    The admin saves in one transaction, which on SQLite takes the write lock at once: a
    lookup inside it would make every other writer on the site wait for Crossref, up to its
    timeout. Asked first, each answer (or "Crossref is down") is in the cache when the forms
    look it up, and the transaction asks nothing of the network."""

    study_form = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            for doi in sorted(dois_to_look_up(request.POST, study_form=self.study_form)):
                if not crossref.is_cached(doi):
                    crossref.lookup(doi)
        return super().changeform_view(request, object_id, form_url, extra_context)


class StudyAutocompleteJsonView(AutocompleteJsonView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # In an evidence row, a DOI the site does not know is offered as a study to add.
        if not (self.source_field.model is Evidence and self.source_field.name == "study"):
            return response
        try:
            doi = normalize_doi(self.term)
        except InvalidDOI:
            return response
        if Study.objects.filter(doi=doi).exists() or not self.model_admin.has_add_permission(
            request
        ):
            return response
        answer = json.loads(response.content)
        answer["results"].append({"id": NEW_DOI_CHOICE + doi, "text": f"Add {doi} from its DOI"})
        return JsonResponse(answer)

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


class DOIWithFetchButton(forms.TextInput):
    """The study's DOI with its "Fetch from DOI" button beside it."""

    def __init__(self, attrs=None, fetch_url=""):
        super().__init__(attrs)
        self.fetch_url = fetch_url

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<span class="doi-with-fetch">{} <button type="submit" name="{}" value="1" '
            'class="button" data-hx-post="{}" data-hx-select="#study_form" '
            'data-hx-target="#study_form" data-hx-swap="outerHTML show:#study_form:top">'
            "Fetch from DOI</button></span>",
            super().render(name, value, attrs, renderer),
            FETCH,
            self.fetch_url,
        )


@admin.register(Study)
class StudyAdmin(CrossrefBeforeTransaction, admin.ModelAdmin):
    form = StudyAdminForm
    study_form = True
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
                "Crossref when you save, and “Fetch from DOI” fills them in now.",
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "doi":
            # "Fetch from DOI" beside the DOI it fetches; with htmx it swaps the form in place.
            field.widget = DOIWithFetchButton(
                attrs=field.widget.attrs, fetch_url=request.get_full_path()
            )
        return field

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
        failed = result is not None and not result.ok
        form = form_class(instance=obj, initial=initial, crossref_failed=failed)
        if result is None:
            outcome = "Type a DOI first: Crossref is asked by DOI."
        elif result.ok:
            outcome = "Filled in from Crossref: check the facts, then save."
        else:
            outcome = crossref_outcome(result)
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
        new_dois = set()
        for form in self.live_forms():
            if getattr(form, "new_study", None) is not None:
                if form.new_study.doi in new_dois:
                    form.add_error("new_doi", "This DOI is already in another row.")
                new_dois.add(form.new_study.doi)
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
    """An evidence row: a study the site knows, or the DOI of a new one (NewStudyFields)."""

    new_doi, new_design, new_title, new_authors, new_year = (
        NewStudyFields.base_fields[name] for name in NewStudyFields.NAMES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_study = None
        self.new_doi_on_saved_row = False
        chosen = self.data.get(self.add_prefix("study"), "") if self.is_bound else ""
        if chosen.startswith(NEW_DOI_CHOICE) and self.instance.pk is not None:
            # A saved row has no fields for a new study's facts: say where it goes instead.
            self.data = self.data.copy()
            self.data[self.add_prefix("study")] = ""
            self.new_doi_on_saved_row = True
        elif chosen.startswith(NEW_DOI_CHOICE):
            # "Add 10.x/… from its DOI", chosen in the study box: the row's new DOI.
            self.data = self.data.copy()
            self.data[self.add_prefix("study")] = ""
            self.data[self.add_prefix("new_doi")] = chosen.removeprefix(NEW_DOI_CHOICE)
        if "study" in self.fields:
            # A new DOI may stand in for it; clean() asks for one or the other.
            self.fields["study"].required = False
        # With htmx, the DOI is looked up as it is typed (a pause, a paste, leaving the field).
        self.fields["new_doi"].widget.attrs.update(
            {
                "data-hx-get": reverse("admin:evidence_evidence_new_study_preview"),
                "data-hx-trigger": "input changed delay:600ms, change",
                "data-hx-target": "next .new-study-status",
                "data-hx-swap": "innerHTML",
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "10.…",
            }
        )

    def clean(self):
        cleaned = super().clean()
        if self.new_doi_on_saved_row:
            self.add_error(
                "study",
                "A study new to the site goes in a new evidence row (Add another Evidence); "
                "here, choose a study the site has.",
            )
            return cleaned
        typed = (cleaned.get("new_doi") or "").strip()
        if cleaned.get("study") is not None:
            if typed:
                self.add_error("new_doi", "Choose a study above or type a new DOI, not both.")
            return cleaned
        if not typed:
            if "study" not in self.errors:
                self.add_error(
                    "study",
                    "Choose a study, or tick Delete to remove this evidence."
                    if self.instance.pk
                    else "Choose a study, or type the DOI of one new to the site.",
                )
            return cleaned
        study = study_for_new_doi(self, cleaned)
        if study is not None and study.pk:
            cleaned["study"] = study
        else:
            self.new_study = study
        return cleaned

    def save(self, commit=True):
        if self.new_study is not None and self.new_study.pk is None:
            # Saved with the claim, in its transaction: a refused claim form adds no study.
            self.new_study.save()
            self.instance.study = self.new_study
        return super().save(commit)

    @property
    def effect_has_errors(self) -> bool:
        """Whether the folded effect data must open to show its errors."""
        return any(name in self.errors for name in EFFECT_FIELDS)

    @property
    def more_has_errors(self) -> bool:
        """Whether the row's folded fields must open to show their errors."""
        return any(name in self.errors for name in (*EVIDENCE_FOLDED_FIELDS, *EFFECT_FIELDS))

    @property
    def new_facts_have_errors(self) -> bool:
        return any(name in self.errors for name in NewStudyFields.TYPED_FACTS)


# The row's line: what every evidence link needs. The rest folds under it.
EVIDENCE_ROW_FIELDS = ("study", "new_doi", "new_design", "stance", "finding", "weight")
EVIDENCE_FOLDED_FIELDS = ("weight_override", "weight_override_reason", "indirect")


class EvidenceForClaimInline(StudyLabelsMixin, admin.TabularInline):
    model = Evidence
    formset = EvidenceForClaimFormSet
    form = EvidenceRowForm
    # Rarely used fields fold under each row, across its columns and the delete box, so that
    # the table fits a 1280 px screen.
    row_columns = ("study", "stance", "finding", "weight")
    effect_colspan = len(row_columns) + 1
    folded_groups = (("Weight override and directness", EVIDENCE_FOLDED_FIELDS),)
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
        if db_field.name == "finding":
            field.widget.attrs.update({"rows": 4, "cols": 30})
        if db_field.name == "study":
            # A new study is added by its DOI in the row, not in a pop-up window.
            field.widget.can_add_related = False
            field.widget.can_view_related = False
        return field

    def get_extra(self, request, obj=None, **kwargs):
        # A new claim starts with one evidence row, ready for its first study.
        return 1 if obj is None else 0

    autocomplete_fields = ("study",)
    fields = (
        *EVIDENCE_ROW_FIELDS,
        *NewStudyFields.TYPED_FACTS,
        *EVIDENCE_FOLDED_FIELDS,
        *EFFECT_FIELDS,
    )
    readonly_fields = ("weight",)

    class Media:
        # admin-autocomplete.js comes with every admin page (templates/admin/base_site.html).
        js = ("js/admin-evidence-row.js",)


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = RequiredAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        preview = path(
            "new-study-preview/",
            self.admin_site.admin_view(require_GET(self.new_study_preview)),
            name="evidence_evidence_new_study_preview",
        )
        return [preview, *super().get_urls()]

    def new_study_preview(self, request):
        """What saving an evidence row with this new DOI will add (asked with htmx as the DOI
        is typed): the site's own study, Crossref's facts, or why the editor must type them."""
        if not self.admin_site._registry[Study].has_add_permission(request):
            raise PermissionDenied
        name, typed = next(
            ((k, v) for k, v in request.GET.items() if NEW_DOI_PARAMETER.fullmatch(k)),
            ("new_doi", ""),
        )
        typed = typed.strip()
        context = {
            "typed": typed,
            "help_id": f"id_{name}_helptext",
            "help": NewStudyFields.base_fields["new_doi"].help_text,
        }
        if typed:
            try:
                doi = normalize_doi(typed)
            except InvalidDOI as error:
                context["invalid"] = str(error)
            else:
                context["doi"] = doi
                context["known"] = Study.objects.filter(doi=doi).first()
                if context["known"] is None:
                    result = crossref.lookup(doi, limit_keys=(f"editor:{request.user.pk}",))
                    if result.ok:
                        context["work"] = result.work
                    else:
                        context["problem"] = crossref_outcome(result)
        return TemplateResponse(request, "admin/evidence/evidence/_new_study_preview.html", context)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # A bulk delete bypasses Evidence.delete(); recompute the tallies it would have.
        claims = {evidence.claim for evidence in queryset.select_related("claim")}
        super().delete_queryset(request, queryset)
        for claim in claims:
            claim.recompute_tallies()
