"""What a claim's citations say: the claim's analysis version itself ("Cite this claim") and
the bibliography of the studies a published version cites (evidence and causal chains).

Everything starts from a published version's snapshot; the studies' bibliographic facts
(full author list, volume, pages) come from the study records, which are not versioned and
are what each study's own page shows. The formats are written by evidence/citations.py.
"""

from django.utils import timezone

from evidence.citations import (
    SITE_AUTHOR,
    Author,
    Reference,
    citation_key,
    unique_keys,
    vancouver_authors,
)


def study_reference(study) -> Reference:
    """A study (a Study, or a snapshot's StudyRef when the study is gone) as a reference."""
    authors = vancouver_authors(getattr(study, "authors", "") or "")
    if not authors and getattr(study, "short_authors", "") not in ("", "Unknown authors"):
        authors = (Author(literal=study.short_authors),)
    return Reference(
        key=citation_key(authors=authors, year=study.year, title=study.title, fallback=study.doi),
        kind="article",
        title=study.title,
        authors=authors,
        year=study.year,
        journal=study.journal,
        volume=getattr(study, "volume", ""),
        issue=getattr(study, "issue", ""),
        pages=getattr(study, "pages", ""),
        doi=study.doi,
    )


def bibliography(analysis, studies_by_doi: dict) -> list[Reference]:
    """Every study `analysis` (a published version's) cites, by first author and year."""
    refs = {}
    for item in analysis.supporting + analysis.contradicting:
        refs[item.study.doi] = item.study
    for mechanism in analysis.mechanisms:
        for step in mechanism.steps:
            for ref in step.citations:
                refs.setdefault(ref.doi, ref)
    references = [study_reference(studies_by_doi.get(doi, ref)) for doi, ref in refs.items()]
    return unique_keys(sorted(references, key=lambda r: (r.key, r.doi)))


def claim_version_reference(*, statement: str, slug: str, number: int, published_at, url: str):
    """The claim's analysis version as a dated, versioned web page by the site."""
    day = timezone.localdate(published_at) if timezone.is_aware(published_at) else published_at
    return Reference(
        key=f"evidenceclaims-{slug}-v{number}",
        kind="webpage",
        title=statement,
        authors=(Author(literal=SITE_AUTHOR),),
        issued=day,
        url=url,
        version=f"Analysis v{number}",
    )
