from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class LoginFailureQuerySet(models.QuerySet):
    def recent(self):
        window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        return self.filter(at__gte=timezone.now() - window)

    def is_locked_out(self, *, username: str, address: str | None) -> bool:
        """Too many recent failures for this username, or from this address."""
        limit = settings.LOGIN_FAILURE_LIMIT
        recent = self.recent()
        if recent.filter(username__iexact=username).count() >= limit:
            return True
        return bool(address) and recent.filter(address=address).count() >= limit


class LoginFailure(models.Model):
    """One failed sign-in, kept for the throttling window (LOGIN_FAILURE_WINDOW_MINUTES)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
