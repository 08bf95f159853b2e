from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.html import format_html

from claimsite.admin import RecordAdmin
from evidence import moderation
from evidence.doi import InvalidDOI, normalize_doi
from evidence.forms import RejectForm
from evidence.models import Evidence, GoldStandardDesign, Study, Submission
from evidence.moderation import AlreadyReviewed


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("doi", "title", "year", "design", "sample_size", "risk_of_bias", "retracted")
    list_filter = ("design", "year", "retracted", "risk_of_bias", "is_example")
    search_fields = ("doi", "title", "authors", "journal")
    readonly_fields = ("rule_weight", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("doi", "title", "authors")}),
        ("Publication", {"fields": ("journal", ("volume", "issue", "pages"), "year")}),
        (
            "Design and quality",
            {"fields": ("design", "sample_size", "population", "risk_of_bias", "rule_weight")},
        ),
        ("Status", {"fields": ("retracted", "retraction_note", "is_example")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

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


class EvidenceForClaimInline(admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ("study",)
    fields = (
        "study",
        "stance",
        "finding",
        "weight",
        "weight_override",
        "weight_override_reason",
        "indirect",
    )
    readonly_fields = ("weight",)


class GoldStandardDesignInline(admin.StackedInline):
    model = GoldStandardDesign
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


@admin.register(Submission)
class SubmissionAdmin(RecordAdmin):
    """Submissions are the members' words: editors review them here, never edit or delete."""

    list_display = ("doi", "claim", "stance", "submitter", "status", "created_at", "reviewed_by")
    list_filter = ("status", "stance")
    list_select_related = ("claim", "submitter", "reviewed_by")
    search_fields = ("doi", "claim__statement", "submitter__username", "note")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Submission._meta.fields if f.name != "note_html"]
    exclude = ("note_html",)
    actions = ("approve_selected", "reject_selected")

    def has_moderate_permission(self, request):
        return request.user.has_perm("evidence.moderate_submission")

    @admin.action(description="Approve selected submissions", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        for submission in queryset.select_related("claim", "submitter"):
            try:
                version = moderation.approve(submission, by=request.user)
            except (AlreadyReviewed, ValidationError) as error:
                self.message_user(request, f"{submission.doi}: {error}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    f"Approved {submission.doi}: published analysis v{version.number}.",
                    messages.SUCCESS,
                )

    @admin.action(description="Reject selected submissions…", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            for submission in queryset:
                try:
                    moderation.reject(
                        submission, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except AlreadyReviewed as error:
                    self.message_user(request, f"{submission.doi}: {error}", messages.WARNING)
                else:
                    self.message_user(request, f"Rejected {submission.doi}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject submissions",
            "opts": self.opts,
            "form": form,
            "submissions": queryset.select_related("claim", "submitter"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/evidence/submission/reject.html", context)
