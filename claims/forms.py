from django import forms


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label="Change note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed and why. Readers see it in the claim's history.",
    )
