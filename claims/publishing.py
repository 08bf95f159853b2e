"""Publishing: the one way a claim's working analysis becomes an immutable version."""

import json

from django.db import transaction

from claims import notifications
from claims.analysis import build_analyses, build_analysis
from claims.models import AnalysisVersion, Claim


class NothingToPublish(Exception):
    """The working copy says exactly what the latest published version says."""

    def __init__(self, version):
        self.version = version
        super().__init__(
            f"Nothing has changed since analysis v{version.number}: there is nothing to publish."
        )


def working_snapshot(claim) -> dict:
    """The claim's working analysis as the JSON a version would store."""
    return as_stored(build_analysis(claim))


def as_stored(analysis) -> dict:
    """`analysis` as the JSON a version stores (what same_analysis_as compares)."""
    return json.loads(json.dumps(analysis.to_dict()))


# "Unpublished changes" is decided here and only here, by the comparison publishing itself
# makes (a working copy that says what the latest version says has nothing to publish). So no
# list of fields can forget one: any edit that changes what readers would see counts, and an
# edit readers would never see does not.


def has_unpublished_changes(claim) -> bool:
    """Whether the working copy differs from what readers see (the latest version)."""
    latest = claim.current_version
    return latest is None or not latest.same_analysis_as(working_snapshot(claim))


def claims_with_unpublished_changes(claims=None) -> list[Claim]:
    """Every claim (of `claims`, else all) never published or whose working copy differs
    from its latest version, in a fixed number of queries however many claims there are."""
    claims = list(
        (claims if claims is not None else Claim.objects.all())
        .select_related("current_version")
        .order_by("-updated_at", "pk")
    )
    working = build_analyses(claims)
    return [
        claim
        for claim in claims
        if claim.current_version is None
        or not claim.current_version.same_analysis_as(as_stored(working[claim.pk]))
    ]


def publish_analysis(*, claim, by, note: str) -> AnalysisVersion:
    """Publish the claim's working analysis as its next version, with a change note.

    Raises ValueError for an empty note and NothingToPublish when nothing changed.
    """
    note = (note or "").strip()
    if not note:
        raise ValueError("Write a change note: readers see it in the claim's history.")
    with transaction.atomic():
        # Lock the claim before reading its working copy, so that two editors publishing
        # at once cannot both find it new: the second waits, then finds nothing changed.
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        snapshot = working_snapshot(claim)
        latest = claim.versions.order_by("-number").first()
        if latest is not None and latest.same_analysis_as(snapshot):
            raise NothingToPublish(latest)
        version = AnalysisVersion.objects.create_next(
            claim=claim, snapshot=snapshot, published_by=by, change_note=note
        )
        # Submissions approved while an editor's draft held the claim back are in it now.
        claim.submissions.filter(
            status="approved", version__isnull=True, evidence__claim=claim
        ).update(version=version)
        # Followers are emailed once the outermost transaction commits, never before.
        notifications.version_published(version)
        return version
