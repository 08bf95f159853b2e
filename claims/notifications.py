"""Emails sent after a publication commits: to each follower of a claim when a new analysis
version is published, and to a member whose submission an editor reviewed (issue 17).

Sent by tasks (Django 6's tasks API, from django-tasks; `TASKS` in settings) enqueued by
`transaction.on_commit`, so nothing is sent for a transaction that rolls back and a mail
server that fails never fails the publication. Each email has a key and is recorded in
SentEmail before it is sent: a task run again sends only what was not sent yet.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from claims.feeds import what_changed
from claims.models import AnalysisVersion, Follow, SentEmail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "claims.unsubscribe"


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_token(follow) -> str:
    """A signed token naming this follow: it unfollows once, with no sign-in needed. A new
    follow of the same claim is a new row, which an old token does not name."""
    return signing.dumps(
        {"follow": follow.pk, "user": follow.user_id, "claim": follow.claim_id},
        salt=UNSUBSCRIBE_SALT,
    )


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and {"follow", "user", "claim"} <= set(data) else None


def after_commit(function, **kwargs) -> None:
    """Enqueue `function` with `kwargs` once the current transaction commits; a failure to
    enqueue is logged, never raised into the request that published."""
    transaction.on_commit(lambda: function.enqueue(**kwargs), robust=True)


@task()
def send_once(*, key: str, to: str, subject: str, body: str, headers: dict | None = None) -> str:
    """Send one email unless the record says it was sent; record the outcome."""
    record, _ = SentEmail.objects.get_or_create(key=key, defaults={"to": to, "subject": subject})
    if record.sent_at is not None:
        return "already sent"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - whatever the mail server does, publishing stands
        logger.warning("Email %s to %s failed: %s", key, to, error)
        SentEmail.objects.filter(pk=record.pk).update(error=str(error)[:500])
        return "failed"
    SentEmail.objects.filter(pk=record.pk).update(sent_at=timezone.now(), error="")
    return "sent"


@task()
def notify_followers(*, version_id: int) -> int:
    """One email per follower of the version's claim; returns how many were enqueued."""
    version = AnalysisVersion.objects.select_related("claim").get(pk=version_id)
    version.previous_verdict = (
        AnalysisVersion.objects.filter(claim_id=version.claim_id, number=version.number - 1)
        .values_list("verdict", flat=True)
        .first()
    )
    statement = version.snapshot["statement"]
    subject = f"Analysis v{version.number}: {statement[:120]}"
    follows = Follow.objects.filter(claim_id=version.claim_id, user__is_active=True)
    count = 0
    for follow in follows.select_related("user").order_by("pk"):
        if not follow.user.email:
            continue
        unsubscribe = site_url(reverse("following:unsubscribe", args=[unsubscribe_token(follow)]))
        body = render_to_string(
            "claims/email/version_published.txt",
            {
                "user": follow.user,
                "statement": statement,
                "version": version,
                "what_changed": what_changed(version),
                "version_url": site_url(version.get_absolute_url()),
                "history_url": site_url(reverse("claims:history", args=[version.claim.slug])),
                "unsubscribe_url": unsubscribe,
            },
        )
        send_once.enqueue(
            key=f"version:{version.pk}:user:{follow.user_id}",
            to=follow.user.email,
            subject=subject,
            body=body,
            # One click in the mail client (RFC 8058): it POSTs to the link.
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        count += 1
    return count


def version_published(version) -> None:
    """Call inside the publishing transaction: followers hear once it commits."""
    after_commit(notify_followers, version_id=version.pk)


def submission_reviewed(submission) -> None:
    """Call inside the reviewing transaction: the member hears once it commits."""
    member = submission.submitter
    if not member.email:
        return
    claim = submission.claim
    body = render_to_string(
        "claims/email/submission_reviewed.txt",
        {
            "user": member,
            "submission": submission,
            "statement": claim.published_statement,
            "claim_url": site_url(reverse("claims:detail", args=[claim.slug])),
            "submissions_url": site_url(reverse("evidence:my_submissions")),
        },
    )
    outcome = submission.get_status_display().lower()
    after_commit(
        send_once,
        key=f"submission:{submission.pk}:{submission.status}",
        to=member.email,
        subject=f"Your submission {submission.doi} was {outcome}",
        body=body,
    )
