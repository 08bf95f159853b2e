from django.contrib import admin

from accounts.models import LoginFailure, RateLimitedRequest
from claimsite.admin import RecordAdmin


@admin.register(LoginFailure)
class LoginFailureAdmin(RecordAdmin):
    list_display = ("username", "address", "at")
    search_fields = ("username", "address")
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        # Clearing failures lifts a lock-out early, which a superuser may need to do.
        return request.user.is_superuser


@admin.register(RateLimitedRequest)
class RateLimitedRequestAdmin(RecordAdmin):
    list_display = ("action", "key", "at")
    list_filter = ("action",)
    search_fields = ("key",)
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        # As for sign-in failures: deleting rows lifts a limit early.
        return request.user.is_superuser
