from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

# Each throttle below decides and records in one transaction, holding a lock on the key it
# counts, so N requests arriving at once are counted one after another and never more than
# the limit go ahead. A refused request leaves no row, so a flood cannot grow the table, and
# rows older than the window are pruned as new ones are written.


def _lock(name: str) -> None:
    """Until the current transaction ends, make others locking `name` wait. SQLite needs
    nothing: the site opens its transactions IMMEDIATE (claimsite/env.py), which takes the
    database's one write lock at once and so already serialises them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


class LoginFailureQuerySet(models.QuerySet):
    def recent(self):
        window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        return self.filter(at__gte=timezone.now() - window)

    def prune(self):
        window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        self.filter(at__lt=timezone.now() - window).delete()

    def begin_attempt(self, *, username: str, address: str | None):
        """Decide whether a sign-in attempt may be checked and record it, as one step.

        Returns the attempt's row, which stays as a failure unless `succeeded()` is called;
        None when too many recent attempts for this username from this address, or from this
        address at all, refuse it.
        """
        with transaction.atomic():
            # Both counts include this address (or, without one, this username).
            _lock(f"sign-in:{address or username}")
            self.prune()
            recent = self.recent()
            pair = recent.filter(username=username, address=address)
            if pair.count() >= settings.LOGIN_FAILURE_LIMIT:
                return None
            if address and (
                recent.filter(address=address).count() >= settings.LOGIN_FAILURE_ADDRESS_LIMIT
            ):
                return None
            return self.create(username=username, address=address)

    def succeeded(self, attempt):
        """A correct password clears the failures of its username from its address."""
        self.filter(username=attempt.username, address=attempt.address).delete()


class LoginFailure(models.Model):
    """One failed (or still running) sign-in, kept for the throttling window."""

    # The username as sign-in resolves it (NFKC, case-folded): see accounts.forms.username_key.
    username = models.CharField(max_length=150, db_index=True)
    # The client address (an IPv6 client's /64): see accounts.addresses.
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"


class RateLimitedRequestQuerySet(models.QuerySet):
    WINDOW = timedelta(hours=1)

    def allow(self, action: str, key: str | None, *, limit: int) -> bool:
        """Record one `action` by `key` (an address or an email) and say whether it is within
        `limit` per hour. A request without a key (no address) is not limited."""
        if not key:
            return True
        key = key[:254]
        since = timezone.now() - self.WINDOW
        with transaction.atomic():
            _lock(f"{action}:{key}")
            self.filter(at__lt=since).delete()
            if self.filter(action=action, key=key, at__gte=since).count() >= limit:
                return False
            self.create(action=action, key=key)
            return True


class RateLimitedRequest(models.Model):
    """A sign-up or password-reset request, kept for an hour to limit how many are made."""

    class Action(models.TextChoices):
        SIGNUP = "signup", "Sign-up from an address"
        PASSWORD_RESET = "password_reset", "Password reset from an address"
        EMAIL = "email", "Email sent to an address (password reset or sign-up notice)"

    action = models.CharField(max_length=20, choices=Action.choices)
    key = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = RateLimitedRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["action", "key", "at"], name="ratelimit_action_key_at")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.key} at {self.at:%Y-%m-%d %H:%M}"
