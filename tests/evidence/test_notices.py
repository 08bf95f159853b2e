"""What a notice means (evidence/notices.py), and how the study page shows notices."""

from datetime import date

import pytest

from evidence.models import Notice
from evidence.notices import NoticeKind, headline, kind_of, raises_concern, retracts
from tests.factories import make_study


@pytest.mark.parametrize(
    ("crossref_type", "kind", "retracting", "concern"),
    [
        ("retraction", NoticeKind.RETRACTION, True, False),
        ("withdrawal", NoticeKind.WITHDRAWAL, True, False),
        ("removal", NoticeKind.REMOVAL, True, False),
        ("partial_retraction", NoticeKind.PARTIAL_RETRACTION, False, True),
        ("expression_of_concern", NoticeKind.EXPRESSION_OF_CONCERN, False, True),
        ("correction", NoticeKind.CORRECTION, False, False),
        ("corrigendum", NoticeKind.CORRECTION, False, False),
        ("erratum", NoticeKind.ERRATUM, False, False),
        ("new_version", NoticeKind.OTHER, False, False),
    ],
)
def test_each_notice_type_means_what_the_rule_says(crossref_type, kind, retracting, concern):
    assert kind_of(crossref_type) == kind
    assert (retracts(kind), raises_concern(kind)) == (retracting, concern)


def test_a_retraction_heads_the_notices_before_an_earlier_concern(db):
    study = make_study()
    concern = Notice(study=study, kind="expression_of_concern", date=date(2020, 1, 1))
    retraction = Notice(study=study, kind="retraction", date=date(2022, 1, 1))
    correction = Notice(study=study, kind="correction", date=date(2019, 1, 1))
    assert headline([correction, concern, retraction]) is retraction
    assert headline([correction, concern]) is concern
    assert headline([correction]) is None


def test_the_study_page_shows_a_retraction_with_its_date_and_notice(client, db):
    study = make_study(retracted=True)
    Notice.objects.create(
        study=study, kind="retraction", date=date(2023, 11, 2), notice_doi="10.9999/r.1"
    )
    Notice.objects.create(study=study, kind="correction", date=date(2022, 1, 20))
    html = client.get(study.get_absolute_url()).content.decode()
    assert "Retracted on 2 November 2023." in html
    assert 'href="https://doi.org/10.9999/r.1"' in html
    assert "Read the retraction notice" in html
    assert "<strong>Correction</strong> · 20 January 2022" in html


def test_the_study_page_shows_an_expression_of_concern(client, db):
    study = make_study()
    Notice.objects.create(study=study, kind="expression_of_concern", date=date(2024, 2, 9))
    html = client.get(study.get_absolute_url()).content.decode()
    assert 'class="banner banner--concern"' in html
    assert "Expression of concern of 9 February 2024." in html
    assert "Its weight is unchanged" in html
