from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html

from evidence.models import Evidence, GoldStandardDesign, Study


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
    fields = ("study", "stance", "finding", "weight", "weight_override", "weight_override_reason")
    readonly_fields = ("weight",)


class GoldStandardDesignInline(admin.StackedInline):
    model = GoldStandardDesign
    extra = 0
    fields = ("rank", "design", "description")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "study", "stance", "weight", "weight_override")
    list_filter = ("stance",)
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
