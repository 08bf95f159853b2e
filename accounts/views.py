from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import tasks
from accounts.addresses import client_address, throttle_key
from accounts.forms import SignUpForm, ThrottledAuthenticationForm, ThrottledPasswordChangeForm
from accounts.models import RateLimitedRequest

Action = RateLimitedRequest.Action
TOO_MANY_SIGNUPS = "Too many sign-ups from this address. Please try again in an hour."
TOO_MANY_RESETS = "Too many password reset requests from this address. Please try again in an hour."


def too_many_requests(response, *, minutes: int):
    """Answer 429 with a Retry-After header; the message is already in the page."""
    response.status_code = 429
    response["Retry-After"] = str(minutes * 60)
    return response


def may_email(email: str) -> bool:
    """Whether one more email may go to `email` this hour: password resets and sign-up
    notices share the count, so neither can be used to flood someone's inbox."""
    return RateLimitedRequest.objects.allow(
        Action.EMAIL, email.strip().lower(), limit=settings.PASSWORD_RESET_LIMIT_PER_HOUR
    )


def safe_next(request, fallback="claims:list"):
    """The `next` page to return to, if it is on this site; else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: anything else ("0", "x") would be taken for a URL name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = throttle_key(client_address(request))
        if not RateLimitedRequest.objects.allow(
            Action.SIGNUP, address, limit=settings.SIGNUP_LIMIT_PER_HOUR
        ):
            form.add_error(None, TOO_MANY_SIGNUPS)
            context = {"form": form, "next": safe_next(request, fallback="")}
            return too_many_requests(render(request, "accounts/signup.html", context), minutes=60)
        if form.is_valid():
            user = _sign_up(request, form)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                f"Welcome, {user.get_username()}! You can now see the full verdict on every "
                "claim, including the studies that would settle it, and submit studies that "
                "support or contradict a claim; follow them under “My submissions”.",
            )
            return redirect(safe_next(request))
        status = 400
    context = {"form": form, "next": safe_next(request, fallback="")}
    return render(request, "accounts/signup.html", context, status=status)


def _sign_up(request, form):
    """Create the member's account. An email that already belongs to an account is not
    refused (that would tell anyone it is registered): the new account is made without it, and
    the owner of the address is told by email, so the answer is the same either way."""
    owners = form.existing_owners()
    with transaction.atomic():
        user = form.save(commit=False)
        if owners:
            user.email = ""
        user.save()
    # Counted and queued for every sign-up, so neither the count nor the time taken tells a
    # registered email apart: the worker looks up the owners and writes only if there are any.
    if may_email(form.cleaned_data["email"]):
        tasks.send_existing_account_notice.enqueue(
            email=form.cleaned_data["email"],
            new_username=user.get_username(),
            login_url=request.build_absolute_uri(reverse("login")),
            reset_url=request.build_absolute_uri(reverse("password_reset")),
        )
    return user


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, limited per source address; the email goes out through the
    task worker.

    Past the per-address limit the answer is 429. The emails sent to one address are limited
    too, but silently: the answer is the same "check your email" page either way, so nobody
    can stop an address's owner from asking (and the links already sent still work), and the
    answer never says whether the email has an account. Registered or not, the request does
    the same work (count, enqueue) and never waits for the mail server.
    """

    def form_valid(self, form):
        address = throttle_key(client_address(self.request))
        if not RateLimitedRequest.objects.allow(
            Action.PASSWORD_RESET, address, limit=settings.PASSWORD_RESET_LIMIT_PER_HOUR
        ):
            form.add_error(None, TOO_MANY_RESETS)
            return too_many_requests(self.form_invalid(form), minutes=60)
        email = form.cleaned_data["email"]
        if may_email(email):
            tasks.send_password_reset.enqueue(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return redirect(self.get_success_url())


class ThrottledPasswordChangeView(PasswordChangeView):
    """Django's password change, whose old-password check is throttled like sign-in."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            return too_many_requests(response, minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        if form.unavailable:
            response.status_code = 503
            return response
        response.status_code = 400
        return response


class ThrottledLoginView(LoginView):
    """Django's login view, refusing further attempts after too many failures."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            return too_many_requests(response, minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        response.status_code = 503 if form.unavailable else 400
        return response


def admin_login(request, extra_context=None):
    """The admin's own sign-in page (its form is ThrottledAdminAuthenticationForm), answering
    429 instead of 200 when sign-in is paused."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "throttled", False):
        return too_many_requests(response, minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    if getattr(form, "unavailable", False):
        response.status_code = 503
    return response
