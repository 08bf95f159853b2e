from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from claimsite.admin import RecordAdmin
from editorial import moderation
from editorial.models import Candidate
from editorial.moderation import AlreadyReviewed
from evidence.forms import RejectForm
from evidence.models import Submission


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
                    request, moderation.approval_outcome(submission, version), messages.SUCCESS
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
