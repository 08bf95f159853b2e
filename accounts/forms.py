import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    UserCreationForm,
    UsernameField,
)
from django.core.exceptions import ValidationError

from accounts.addresses import client_address, throttle_key
from accounts.models import LoginFailure

logger = logging.getLogger(__name__)

NO_CLIENT_ADDRESS = (
    "Signing in is unavailable: this server cannot tell visitors apart. Its administrator "
    "must set TRUSTED_PROXIES for the proxy in front of it."
)


def begin_throttled_attempt(form, raw_username):
    """Decide and record a password check for `form` (sign-in or password change); sets
    `form.throttled` or `form.unavailable` and raises ValidationError when it may not run.

    Without a client address (a Unix socket with no TRUSTED_PROXIES) the check is refused:
    counting by username alone would let anyone pause an editor's sign-in.
    """
    address = throttle_key(client_address(form.request))
    if address is None:
        form.unavailable = True
        logger.error(
            "No client address (REMOTE_ADDR is empty): password checks are refused. Behind a "
            "proxy on a Unix socket, set TRUSTED_PROXIES so that X-Forwarded-For is used."
        )
        raise ValidationError(NO_CLIENT_ADDRESS, code="unavailable")
    attempt = LoginFailure.objects.begin_attempt(
        username=username_key(raw_username), address=address
    )
    if attempt is None:
        form.throttled = True
        raise ValidationError(
            ThrottledLoginMixin.error_messages["throttled"],
            code="throttled",
            params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
        )
    return attempt


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
    unavailable = False
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. For your safety, signing in from this "
        "address is paused; try again in %(minutes)d minutes, or reset your password.",
    }

    def clean(self):
        attempt = begin_throttled_attempt(self, self.data.get("username"))
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


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change: its old-password check counts as a sign-in attempt for the
    account from the client's address (the same limits and the same table), so a stolen
    session cannot be used to guess the password."""

    throttled = False
    unavailable = False

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        attempt = begin_throttled_attempt(self, self.user.get_username())
        old_password = super().clean_old_password()  # raises on a wrong password
        LoginFailure.objects.succeeded(attempt)
        return old_password


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
