from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.core.exceptions import ValidationError

from accounts.addresses import client_address, throttle_key
from accounts.models import LoginFailure


def username_key(raw) -> str:
    """The username a sign-in attempt is counted against: exactly what authentication looks up
    (the sign-in form's UsernameField strips and applies NFKC, so `ｖｉｃｔｉｍ` is `victim`),
    case-folded because sign-up refuses names that differ only in case, so every spelling that
    could reach one account shares its count."""
    return (UsernameField().to_python(raw) or "").casefold()[:150]


class ThrottledLoginMixin:
    """Refuse sign-in after too many recent failures for a username from an address, or from
    an address; see LoginFailureQuerySet.begin_attempt."""

    throttled = False
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. For your safety, signing in from this "
        "address is paused; try again in %(minutes)d minutes, or reset your password.",
    }

    def clean(self):
        attempt = LoginFailure.objects.begin_attempt(
            username=username_key(self.data.get("username")),
            address=throttle_key(client_address(self.request)),
        )
        if attempt is None:
            self.throttled = True
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
            )
        # Any failure below, a wrong password or an inactive account, leaves the attempt
        # recorded as a failure.
        cleaned = super().clean()
        if self.get_user() is not None:
            LoginFailure.objects.succeeded(attempt)
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
        # No "already registered" error here: that would tell anyone whose email has an
        # account. The view signs the new member up either way (see `existing_owners`).
        return self.cleaned_data["email"].strip()

    def existing_owners(self):
        """Active accounts that already use the email given, whose owners are told instead."""
        email = self.cleaned_data["email"]
        return list(get_user_model().objects.filter(email__iexact=email, is_active=True))
