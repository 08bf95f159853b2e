from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """Admin for records kept as they were written: viewable, never added, changed or deleted
    here (published analysis versions, members' submissions, sign-in failures)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
