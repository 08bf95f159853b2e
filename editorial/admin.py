from django.contrib import admin

from editorial.models import Candidate


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    """Every study watching the literature found, and what the screening decided: read only.
    Screening itself happens on the claim's screening page, where it publishes."""

    list_display = ("doi", "title", "claim", "status", "reason", "later", "found_at")
    list_filter = ("status", "reason", "later")
    search_fields = ("doi", "title", "claim__slug")
    list_select_related = ("claim",)
    date_hierarchy = "found_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Candidate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting one would let its DOI come back as new.
        return False
