from django.contrib import admin

from claims.models import Claim, Topic
from evidence.admin import EvidenceForClaimInline, GoldStandardDesignInline


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "claim_type",
        "verdict",
        "pro_tally",
        "against_tally",
        "analysis_version",
    )
    list_filter = ("verdict", "claim_type", "topics")
    search_fields = ("statement", "slug")
    prepopulated_fields = {"slug": ("statement",)}
    filter_horizontal = ("topics",)
    readonly_fields = ("verdict", "pro_tally", "against_tally")
    fields = (
        "statement",
        "slug",
        "claim_type",
        "topics",
        "summary",
        "analysis_version",
        ("verdict", "pro_tally", "against_tally"),
    )
    inlines = (EvidenceForClaimInline, GoldStandardDesignInline)
    view_on_site = True
