from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from accounts.models import LoginFailure


def client_address(request) -> str | None:
    # REMOTE_ADDR is the peer; behind a proxy, the proxy must set it (e.g. via the WSGI server).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledLoginMixin:
    """Refuse sign-in after too many recent failures for a username or from an address."""

    throttled = False
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. For your safety, signing in is paused "
        "for this account and this address; try again in %(minutes)d minutes.",
    }

    def clean(self):
        from django.conf import settings

        username = (self.data.get("username") or "").strip()
        address = client_address(self.request)
        if LoginFailure.objects.is_locked_out(username=username, address=address):
            self.throttled = True
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            LoginFailure.objects.create(username=username[:150], address=address)
            raise
        LoginFailure.objects.filter(username__iexact=username).delete()
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label="Email", help_text="For password resets; never shown.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email already exists. Log in, or reset your password."
            )
        return email
