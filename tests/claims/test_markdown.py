import pytest

from claims.markdown import render_markdown


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


def test_an_unknown_doi_links_to_doi_org():
    html = render_markdown("As shown (10.1080/02640414.2024.2321021).")
    assert 'href="https://doi.org/10.1080/02640414.2024.2321021"' in html
    assert "(<a" in html and "</a>)." in html


def test_a_known_doi_links_to_our_study_page():
    html = render_markdown(
        "As shown (10.1080/02640414.2024.2321021).",
        known_dois={"10.1080/02640414.2024.2321021"},
    )
    assert 'href="/studies/10.1080/02640414.2024.2321021/"' in html


def test_a_doi_in_upper_case_links_to_the_normalised_study():
    html = render_markdown("See 10.1080/ABC.DEF now", known_dois={"10.1080/abc.def"})
    assert 'href="/studies/10.1080/abc.def/"' in html


def test_dois_inside_code_are_left_alone():
    html = render_markdown("`10.1080/abc`")
    assert "<a" not in html


def test_community_links_are_marked_nofollow_ugc():
    html = render_markdown("[site](https://example.org)", user_content=True)
    assert 'rel="nofollow ugc noopener"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


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
