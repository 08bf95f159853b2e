import time

import pytest
from django.core.exceptions import ValidationError

from evidence.markdown import markdown_problem, render_markdown, validate_markdown
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_study,
    make_submission,
)

REFERENCE_DOI = "10.1080/02640414.2024.2321021"
STUDY_PAGE = f'href="/studies/{REFERENCE_DOI}/"'


def test_it_renders_markdown():
    html = render_markdown("Some **bold** and *italic* text.\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<li>one</li>" in html


def test_it_removes_script_tags():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html.lower()


def test_it_removes_javascript_links():
    html = render_markdown('[click](javascript:alert(1)) and <a href="javascript:alert(2)">x</a>')
    assert "javascript:" not in html.lower()


def test_it_removes_event_handler_attributes():
    html = render_markdown('<img src=x onerror="alert(1)"> <p onclick="alert(2)">hi</p>')
    assert "onerror" not in html.lower()
    assert "onclick" not in html.lower()
    assert "<img" not in html.lower()


def test_it_removes_iframes():
    html = render_markdown('<iframe src="https://evil.example/"></iframe>text')
    assert "<iframe" not in html.lower()


def test_an_unknown_doi_links_to_doi_org(db):
    html = render_markdown("As shown (10.1080/02640414.2024.2321021).")
    assert 'href="https://doi.org/10.1080/02640414.2024.2321021"' in html
    assert "(<a" in html and "</a>)." in html


def test_a_known_doi_links_to_our_study_page(db):
    make_study(doi=REFERENCE_DOI)
    html = render_markdown(f"As shown ({REFERENCE_DOI}).")
    assert STUDY_PAGE in html
    assert 'class="doi doi-known"' in html


def test_a_doi_in_upper_case_links_to_the_normalised_study(db):
    make_study(doi="10.1080/abc.def")
    html = render_markdown("See 10.1080/ABC.DEF now")
    assert 'href="/studies/10.1080/abc.def/"' in html


def test_known_and_unknown_dois_in_one_text_are_looked_up_in_one_query(
    db, django_assert_num_queries
):
    make_study(doi=REFERENCE_DOI)
    with django_assert_num_queries(1):
        html = render_markdown(
            f"Known {REFERENCE_DOI}, unknown 10.5555/nowhere and {REFERENCE_DOI}."
        )
    assert html.count(STUDY_PAGE) == 2
    assert 'href="https://doi.org/10.5555/nowhere"' in html


def test_text_without_a_doi_needs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        render_markdown("No citation **here**.")


def test_dois_inside_code_are_left_alone(db):
    html = render_markdown("`10.1080/abc`")
    assert "<a" not in html


def test_community_links_are_marked_nofollow_ugc():
    html = render_markdown("[site](https://example.org)", user_content=True)
    assert 'rel="nofollow ugc noopener"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def _claim_summary(study):
    return make_claim(summary=f"See {study.doi}.").summary_html


def _evidence_finding(study):
    return make_evidence(make_claim(), finding=f"See {study.doi}.").finding_html


def _mechanism_texts(study):
    mechanism = make_mechanism(
        make_claim(), steps=0, how_it_works=f"See {study.doi}.", simple_terms=f"Or {study.doi}."
    )
    return mechanism.how_it_works_html + mechanism.simple_terms_html


def _causal_step(study):
    mechanism = make_mechanism(make_claim(), steps=0)
    step = mechanism.steps.create(order=1, text=f"See {study.doi}.")
    return step.text_html


def _gold_standard(study):
    return make_gold_standard(make_claim(), description=f"Like {study.doi}.").description_html


def _submission_note(study):
    from django.contrib.auth.models import User

    member = User.objects.create_user("writer")
    return make_submission(make_claim(), member, note=f"See {study.doi}.").note_html


@pytest.mark.parametrize(
    "render",
    [
        _claim_summary,
        _evidence_finding,
        _mechanism_texts,
        _causal_step,
        _gold_standard,
        _submission_note,
    ],
    ids=["claim", "evidence", "mechanism", "step", "gold-standard", "submission"],
)
def test_every_text_saved_on_the_site_links_a_known_study_to_its_page(db, render):
    study = make_study(doi=REFERENCE_DOI)
    assert STUDY_PAGE in render(study)


@pytest.mark.parametrize(
    "href", ["//evil.example/x", "/\\evil.example/x", "HTTP://evil.example", "Https://evil.example"]
)
def test_every_community_link_is_marked_however_it_is_spelled(href):
    html = render_markdown(f"[a link]({href})", user_content=True)
    assert 'rel="nofollow ugc noopener"' in html, html


@pytest.mark.parametrize("href", ["//evil.example/x", "/\\evil.example/x", "HTTP://evil.example"])
def test_an_editor_s_link_off_the_site_gets_noopener_however_it_is_spelled(href):
    assert 'rel="noopener"' in render_markdown(f"[a link]({href})")


def test_an_editor_s_link_within_the_site_gets_no_rel():
    assert "rel=" not in render_markdown("[the list](/claims/)")


@pytest.mark.parametrize(
    "text",
    [
        "See 10.1234/x\u200b\u2026 for the trial.",
        "A reversed DOI 10.1234/ab\u202ecd here.",
        "Joined 10.1234/a\u2060b and 10.1234/c\ufeffd.",
    ],
)
def test_a_doi_holding_an_invisible_character_is_left_unlinked_and_nothing_raises(db, text):
    html = render_markdown(text)
    assert "<a" not in html
    assert html.startswith("<p>") and "10.1234/" in html


def test_a_clean_doi_beside_one_with_an_invisible_character_is_still_linked(db):
    make_study(doi=REFERENCE_DOI)
    html = render_markdown(f"Trials {REFERENCE_DOI} and 10.1234/x\u200by.")
    assert html.count("<a ") == 1 and STUDY_PAGE in html


PATHOLOGICAL = {
    "3,223 open brackets": "[" * 3223,
    "nested brackets": "[" * 1612 + "]" * 1611,
    "brackets and parentheses": "[(" * 1611,
    "abbreviation openers": "*[" * 1600,
    "footnote openers": "[^" * 1600,
    "quotes 3,000 deep": ">" * 3000 + " x",
    "a run of 6,000 asterisks": "*" * 3000 + "x" + "*" * 3000,
    "lists 200 levels deep": "".join("    " * i + "- x\n" for i in range(200)),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_text_that_would_make_the_parser_slow_renders_fast_as_plain_text(db, case):
    started = time.perf_counter()
    html = render_markdown(PATHOLOGICAL[case])
    assert time.perf_counter() - started < 0.5
    assert html.startswith("<p>") and "<script" not in html


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_forms_refuse_text_that_would_make_the_parser_slow_with_a_message(case):
    with pytest.raises(ValidationError) as refusal:
        validate_markdown(PATHOLOGICAL[case])
    assert refusal.value.messages[0].endswith((".", ").", "start)."))


def test_ordinary_prose_with_links_and_brackets_passes_the_check():
    prose = "See [the trial](https://example.org) [1], [2].\n\n> A quote\n> > nested\n" * 40
    assert markdown_problem(prose) is None
