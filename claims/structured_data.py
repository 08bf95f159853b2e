"""schema.org JSON-LD for search engines: ClaimReview on claim pages, ScholarlyArticle on
study pages. Pure functions over published data; `script_json` makes the JSON safe to put
inside a <script> element, whatever text the claim or study holds."""

import json

from claims.verdicts import Verdict

SITE_NAME = "Evidence Claims"

# The verdict on the 1–5 scale ClaimReview asks for: 5 is "well supported", 1 "contradicted".
# Mixed and insufficient evidence sit in the middle; the label (alternateName) tells them apart.
RATING = {
    Verdict.STRONG_SUPPORT: 5,
    Verdict.MODERATE_SUPPORT: 4,
    Verdict.MIXED: 3,
    Verdict.INSUFFICIENT: 3,
    Verdict.MODERATE_AGAINST: 2,
    Verdict.STRONG_AGAINST: 1,
}


def verdict_words(*, verdict_label: str, certainty_label: str, certainty_overridden=False) -> str:
    """“Moderate Support (certainty: Low)”: a verdict never travels without its certainty."""
    if not certainty_label:
        return verdict_label
    override = ", set by an editor" if certainty_overridden else ""
    return f"{verdict_label} (certainty: {certainty_label}{override})"


def claim_review(
    *,
    statement: str,
    verdict: str,
    verdict_label: str,
    certainty_label: str,
    certainty_overridden: bool,
    url: str,
    site_url: str,
    first_published,
    last_published,
) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": statement,
        "itemReviewed": {"@type": "Claim", "name": statement},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING.get(verdict, 3),
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": verdict_words(
                verdict_label=verdict_label,
                certainty_label=certainty_label,
                certainty_overridden=certainty_overridden,
            ),
        },
        "author": {"@type": "Organization", "name": SITE_NAME, "url": site_url},
        "datePublished": first_published.isoformat(),
        "dateModified": last_published.isoformat(),
    }


def scholarly_article(*, study, url: str, doi_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "url": url,
        "headline": study.title[:110],
        "name": study.title,
        "identifier": study.doi,
        "sameAs": doi_url,
        "datePublished": str(study.year),
        "author": [
            {"@type": "Person", "name": name.strip()}
            for name in (study.authors or "").split(",")
            if name.strip() and name.strip().rstrip(".").lower() != "et al"
        ],
    }
    if study.journal:
        data["isPartOf"] = {"@type": "Periodical", "name": study.journal}
    return data


def script_json(data: dict) -> str:
    """JSON that cannot end its <script> element early nor open a comment in it: <, > and &
    are written as \\u escapes, which JSON parsers read back as the same characters."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
