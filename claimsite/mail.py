"""Email sent outside the request, through Django's tasks API (the django-tasks backport).

Views call `send_email.enqueue(...)`: the request only writes the task (a row, with the
database backend), so it never waits for the mail server, and an answer takes the same time
whether or not an email follows. The worker (`python manage.py db_worker`) sends it. Any
feature that emails (password resets, sign-up notices, notifications) uses this one task.

Arguments are plain strings and lists, as a task's must be (they are stored as JSON).
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str = "",
    from_email: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one email now (in the worker); returns the number sent (0 or 1)."""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.splitlines()),  # a header: one line
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
