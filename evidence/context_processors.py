from claimsite.editors import is_editor
from evidence.models import Submission


def editor(request):
    """`is_editor` for every template, and for editors the pending-submission count in the
    navigation (one query)."""
    if not is_editor(getattr(request, "user", None)):
        return {"is_editor": False}
    return {"is_editor": True, "pending_submission_count": Submission.objects.pending().count()}
