from evidence.models import Submission


def moderation(request):
    """The pending-submission count in the navigation, for editors only (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_staff or not user.has_perm("evidence.moderate_submission"):
        return {}
    return {"pending_submission_count": Submission.objects.pending().count()}
