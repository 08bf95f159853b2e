from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from claims.analysis import ClaimAnalysis
from claims.compare import compare_analyses
from claims.forms import ClaimAdminForm, PublishForm
from claims.models import AnalysisVersion, Claim, Topic
from claims.publishing import (
    NothingToPublish,
    has_unpublished_changes,
    publish_analysis,
    working_snapshot,
)
from claimsite.admin import RecordAdmin
from claimsite.converters import parse_positive_int
from evidence.admin import (
    CrossrefBeforeTransaction,
    EvidenceForClaimInline,
    GoldStandardDesignInline,
)
from mechanisms.admin import MechanismInline


def published_message(version, claim):
    """What an editor is told after publishing: the live page first, then the version."""
    return format_html(
        'Published analysis v{} of “{}”. <a href="{}">See the live claim page</a> '
        '(or <a href="{}">v{} itself</a>).',
        version.number,
        claim,
        claim.get_absolute_url(),
        version.get_absolute_url(),
        version.number,
    )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Claim)
class ClaimAdmin(CrossrefBeforeTransaction, admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = (
        "__str__",
        "claim_type",
        "verdict",
        "pro_tally",
        "against_tally",
        "published_version",
    )
    list_filter = ("verdict", "claim_type", "topics")
    list_select_related = ("current_version",)
    search_fields = ("statement", "slug")
    # The slug is made on the server from the statement (cut at a word), so no prepopulating
    # script is needed and it cannot cut a word in half.
    # Topics are a short list: a plain multiple choice box is accessible and needs no
    # script (the two-box selector and the search widget both fail axe-core checks).
    readonly_fields = ("verdict", "pro_tally", "against_tally", "published_version")
    fields = (
        "statement",
        "slug",
        "claim_type",
        "topics",
        "summary",
        ("verdict", "pro_tally", "against_tally"),
        "published_version",
        # The editors' judgements for the certainty rule (README, "Certainty").
        "publication_bias_suspected",
        "large_effect",
        "large_effect_reason",
        "dose_response",
        "dose_response_reason",
        "residual_confounding",
        "residual_confounding_reason",
        "certainty_override",
        "certainty_override_reason",
        # Watching the literature (README, "Living evidence").
        "literature_query",
        # For the studies' effect sizes and the forest plot (README, "Effect sizes").
        "effect_direction",
    )
    # The whole claim on one screen: its evidence, its mechanisms (with links to their
    # steps), and the design that would settle it.
    inlines = (EvidenceForClaimInline, MechanismInline, GoldStandardDesignInline)
    view_on_site = True

    def save_model(self, request, obj, form, change):
        # An unchanged form is not saved: nothing to date.
        if not change or form.has_changed():
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and not form.has_changed() and any(fs.has_changed() for fs in formsets):
            # Its evidence dates itself; mechanisms and designs do not: date the claim (what
            # is unpublished is decided by content, claims/publishing.py, not by this date).
            Claim.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = request.user.has_perm("claims.publish_claim")
        context["change_note_field"] = context["adminform"].form["change_note"]
        if obj is not None and obj.current_version_id and not has_unpublished_changes(obj):
            context["nothing_to_publish"] = (
                f"Readers see v{obj.current_version.number}, and the working copy says the "
                "same: change something on this page first, then “Save and publish”."
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _publish_after_save(self, request, claim):
        """Publish the claim just saved; an unchanged copy or missing permission is said."""
        if not request.user.has_perm("claims.publish_claim"):
            self.message_user(
                request, "Saved. You may not publish: ask an editor.", messages.WARNING
            )
            return
        form_note = request.POST.get("change_note", "")
        try:
            version = publish_analysis(claim=claim, by=request.user, note=form_note)
        except NothingToPublish as refusal:
            self.message_user(request, f"Saved. {refusal}", messages.WARNING)
        else:
            self.message_user(request, published_message(version, claim), messages.SUCCESS)

    def response_add(self, request, obj, post_url_continue=None):
        if ClaimAdminForm.PUBLISH in request.POST:
            self._publish_after_save(request, obj)
            return redirect("admin:claims_claim_change", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if ClaimAdminForm.PUBLISH in request.POST:
            self._publish_after_save(request, obj)
            return redirect("admin:claims_claim_change", obj.pk)
        return super().response_change(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "large_effect":
            # A form that does not send it (an older form, a script) means "no large effect".
            field.required = False
            field.empty_value = 0
        if db_field.name == "effect_direction":
            field.required = False
            field.empty_value = db_field.default
        return field

    @admin.display(description="Published")
    def published_version(self, claim):
        if not claim.current_version_id:
            return "Draft (never published)"
        return f"v{claim.current_version.number}"

    def get_urls(self):
        publish = path(
            "<path:object_id>/publish/",
            self.admin_site.admin_view(self.publish_view),
            name="claims_claim_publish",
        )
        return [publish, *super().get_urls()]

    def publish_view(self, request, object_id):
        """The "Publish analysis version" page: a change note and what will change."""
        if not request.user.has_perm("claims.publish_claim"):
            raise PermissionDenied
        try:
            pk = parse_positive_int(unquote(object_id))
        except ValueError:
            raise Http404("No claim has this id.") from None
        claim = get_object_or_404(Claim.objects.select_related("current_version"), pk=pk)
        form = PublishForm(request.POST or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    version = publish_analysis(
                        claim=claim, by=request.user, note=form.cleaned_data["change_note"]
                    )
                except NothingToPublish as refusal:
                    form.add_error(None, str(refusal))
                else:
                    self.message_user(request, published_message(version, claim), messages.SUCCESS)
                    return redirect("admin:claims_claim_change", claim.pk)
            status = 400
        working = ClaimAnalysis.from_dict(working_snapshot(claim))
        latest = claim.current_version
        comparison = compare_analyses(latest.analysis, working) if latest else None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Publish analysis version v{claim.analysis_version + 1}",
            "opts": self.opts,
            "original": claim,
            "claim": claim,
            "form": form,
            "latest": latest,
            "comparison": comparison,
            "preview_url": reverse("claims:preview", args=[claim.slug]),
        }
        return TemplateResponse(request, "admin/claims/claim/publish.html", context, status=status)


@admin.register(AnalysisVersion)
class AnalysisVersionAdmin(RecordAdmin):
    """Published versions are read-only: nobody may add, change or delete one here."""

    list_display = (
        "claim",
        "number",
        "verdict",
        "certainty",
        "pro_tally",
        "against_tally",
        "published_by",
        "published_at",
    )
    list_filter = ("verdict", "certainty")
    list_select_related = ("claim", "published_by")
    search_fields = ("claim__statement", "claim__slug", "change_note")
    readonly_fields = [f.name for f in AnalysisVersion._meta.fields]
