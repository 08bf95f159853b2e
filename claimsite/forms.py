"""Site-wide form rendering: every field points screen readers at its own error message."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class DescribedBoundField(BoundField):
    """Adds the id of the field's error message (rendered by templates/_field.html) to the
    widget's aria-describedby, beside the help text Django already links."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self.auto_id}-error".strip()
        return attrs


class SiteFormRenderer(DjangoTemplates):
    bound_field_class = DescribedBoundField
