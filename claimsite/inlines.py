"""Inline formsets whose duplicate rows are refused with a message that says what to do."""

from django import forms


class ParentChecksUniqueForm(forms.ModelForm):
    """A row of an inline whose formset checks uniqueness within the parent (all of the
    parent's rows are in the formset). The row's own check would say only "… with this
    Claim and Rank already exists", so it leaves the parent link to the formset."""

    PARENT_FIELDS = {"claim", "mechanism"}

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self.PARENT_FIELDS


class NamedDuplicatesFormSet(forms.BaseInlineFormSet):
    """Skips Django's "Please correct the duplicate data" check: subclasses name the row
    that already holds the value instead."""

    def validate_unique(self):
        pass

    def live_forms(self):
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form


class NumberedInlineFormSet(NamedDuplicatesFormSet):
    """An inline whose rows carry a number unique within their parent (a mechanism's rank,
    a step's order): new rows start at the next free number, and a number used twice is
    refused with a message naming the row that holds it, not "Please correct the duplicate
    data"."""

    number_field = ""
    noun = ""

    def next_number(self):
        if not self.instance.pk:
            return 1
        used = [getattr(o, self.number_field) for o in self.get_queryset()]
        return max(used, default=0) + 1

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {
                self.number_field: self.next_number() + index - self.initial_form_count()
            }
        return kwargs

    def clean(self):
        super().clean()
        holders = {}
        for form in self.live_forms():
            number = form.cleaned_data.get(self.number_field)
            if number is None:
                continue
            if number in holders:
                form.add_error(
                    self.number_field,
                    f"{self.noun} {number} is already used by {holders[number]}: "
                    "choose another number.",
                )
            else:
                holders[number] = self.describe(form)

    def describe(self, form):
        raise NotImplementedError
