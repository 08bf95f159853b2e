from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect


class RecordAdmin(admin.ModelAdmin):
    """Admin for records kept as they were written: viewable, never added, changed or deleted
    here (published analysis versions, members' submissions, sign-in failures)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changelist_instance(self, request):
        # The date drill-down turns ?at__year=… into a date; a year too large for one raises
        # OverflowError, which Django's admin does not catch. Treat it as any bad filter.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(str(error)) from error


class RequiredAutocompleteSelect(AutocompleteSelect):
    """An autocomplete for a required choice that starts with an empty option. Django leaves
    it out when the field is required, but HTML wants a required <select>'s first option to
    be an empty placeholder (the Nu HTML Checker reports an error otherwise)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        if self.is_required:
            empty = self.create_option(name, "", "---------", False, 0)
            groups.insert(0, (None, [empty], 0))
        return groups
