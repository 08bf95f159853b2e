from django.contrib import admin

from mechanisms.models import CausalStep, Mechanism


class CausalStepInline(admin.StackedInline):
    model = CausalStep
    extra = 0
    fields = ("order", "text", "support_level", "cited_studies")
    autocomplete_fields = ("cited_studies",)


@admin.register(Mechanism)
class MechanismAdmin(admin.ModelAdmin):
    list_display = ("title", "claim", "rank")
    list_filter = ("claim__claim_type",)
    search_fields = ("title", "claim__statement", "claim__slug")
    autocomplete_fields = ("claim",)
    list_select_related = ("claim",)
    fields = ("claim", "rank", "title", "how_it_works", "simple_terms")
    inlines = (CausalStepInline,)
