"""A form sent without its CSRF token gets the site's own 403 page, which the CSP allows."""

from django.test import Client


def test_a_form_without_its_csrf_token_gets_the_sites_own_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "mia", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<style" not in html and "style=" not in html
    assert "css/site.css" in html
    assert "This form could not be sent" in html
    assert "cookies must be allowed" in html  # no CSRF cookie was sent


def test_a_wrong_csrf_token_gets_the_same_page(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": "mia", "password": "x", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert "<style" not in response.content.decode()
