"""Account emails, composed and sent by the task worker, never inside the request.

A request only enqueues one of these tasks, whether or not the email belongs to an account:
the answer then takes the same time either way, and never waits for the mail server. The
worker looks the accounts up, renders the email and sends it through claimsite.mail.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django_tasks import task

from claimsite.mail import send_email


class _PasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        send_email.call(subject=subject, body=body, to=[to_email], from_email=from_email)


@task()
def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Django's password-reset email to every active account with `email`, if any."""
    form = _PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)


@task()
def send_existing_account_notice(
    *, email: str, new_username: str, login_url: str, reset_url: str
) -> None:
    """Tell the owners of `email` that someone signed up with it (if it has owners)."""
    # The new account keeps the email when nobody else has it: it is no owner to tell.
    accounts = get_user_model().objects.filter(email__iexact=email, is_active=True)
    owners = list(accounts.exclude(username=new_username).order_by("username"))
    if not owners:
        return
    context = {
        "email": email,
        "owners": owners,
        "new_username": new_username,
        "login_url": login_url,
        "reset_url": reset_url,
    }
    send_email.call(
        subject="Someone signed up with your email address",
        body=render_to_string("accounts/existing_account_email.txt", context),
        to=[email],
    )
