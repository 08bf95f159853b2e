"""The read-only JSON API at /api/v1/ and its generated OpenAPI description."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from openapi_spec_validator import validate

from api import schemas
from claims.models import Claim, Topic
from evidence.choices import Stance
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_study,
    publish,
)


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


@pytest.fixture
def claim(db):
    topic = Topic.objects.create(name="Endurance", slug="endurance")
    claim = make_claim(slug="caffeine", statement="Caffeine helps cyclists <b>&</b> 50%.")
    claim.topics.add(topic)
    cited = make_study(doi="10.5555/api.1", title="Trial one", sample_size=300)
    make_evidence(claim, cited, Stance.SUPPORTS, weight_override=5, weight_override_reason="Tiny.")
    make_evidence(claim, make_study(doi="10.5555/api.2"), Stance.CONTRADICTS)
    make_mechanism(claim, steps=2, cite=[cited], title="Adenosine")
    make_gold_standard(claim, description="SECRET gold standard design.")
    publish(claim, "First.")
    claim.refresh_from_db()
    return claim


def test_the_openapi_description_is_generated_and_valid(client, db):
    spec = get(client, "/api/v1/openapi.json")
    validate(spec)
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {
        "/api/v1/claims/",
        "/api/v1/claims/{slug}/",
        "/api/v1/claims/{slug}/versions/{number}/",
        "/api/v1/studies/{doi}/",
    } <= paths
    params = {p["name"] for p in spec["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert params == {"q", "topic", "verdict", "page", "page_size"}


def test_a_claim_answers_its_latest_published_analysis(client, claim):
    data = get(client, "/api/v1/claims/caffeine/")
    schemas.ClaimDetail.model_validate(data)
    assert data["statement"] == "Caffeine helps cyclists <b>&</b> 50%."
    assert data["url"] == "http://testserver/claims/caffeine/v/1/"
    assert data["version"]["number"] == 1 and data["latest_version"] == 1
    assert data["verdict"]["code"] == claim.current_version.verdict
    against = claim.current_version.against_tally
    rule_pro = next(e for e in claim.evidence.all() if e.weight_override is not None)
    assert data["tallies"] == {
        "pro": 5,
        "against": against,
        "rule_pro": rule_pro.weight_detail().computed,
        "rule_against": against,
    }
    assert data["tallies"]["rule_pro"] > 5
    assert data["topics"] == [{"slug": "endurance", "name": "Endurance"}]
    overridden = next(e for e in data["evidence"] if e["study"]["doi"] == "10.5555/api.1")
    assert overridden["weight"] == 5 and overridden["overridden"] is True
    assert overridden["override_reason"] == "Tiny."
    assert overridden["computed_weight"] > 5
    (mechanism,) = data["mechanisms"]
    assert [s["citations"] for s in mechanism["steps"]] == [["10.5555/api.1"]] * 2
    assert data["certainty"]["reasons"]
    assert [v["number"] for v in data["versions"]] == [1]


def test_the_gold_standard_list_is_never_in_the_api(client, claim, member):
    assert b"SECRET" not in client.get("/api/v1/claims/caffeine/").content
    signed_in = Client()
    signed_in.force_login(member)
    assert b"SECRET" not in signed_in.get("/api/v1/claims/caffeine/").content
    assert "gold" not in json.dumps(get(client, "/api/v1/openapi.json")).lower()


def test_an_unpublished_edit_changes_nothing_in_the_api(client, claim):
    urls = ["/api/v1/claims/", "/api/v1/claims/caffeine/", "/api/v1/studies/10.5555/api.1/"]
    before = [client.get(url).content for url in urls]
    Claim.objects.filter(pk=claim.pk).update(statement="Edited, not published.")
    make_evidence(claim, make_study(doi="10.5555/api.new"), Stance.SUPPORTS)
    from django.core.cache import cache

    cache.clear()
    assert [client.get(url).content for url in urls] == before
    assert client.get("/api/v1/claims/", {"q": "Edited"}).json()["count"] == 0


def test_an_old_version_answers_as_it_was(client, claim):
    make_evidence(claim, make_study(sample_size=900), Stance.SUPPORTS)
    publish(claim, "Second.")
    old = get(client, "/api/v1/claims/caffeine/versions/1/")
    new = get(client, "/api/v1/claims/caffeine/")
    assert old["version"]["number"] == 1 and old["latest_version"] == 2
    assert len(old["evidence"]) == 2 and len(new["evidence"]) == 3
    assert [v["number"] for v in new["versions"]] == [2, 1]
    assert new["versions"][0]["change_note"] == "Second."


def test_the_list_is_paginated_and_newest_first(client, db):
    for n in range(5):
        publish(make_claim(slug=f"c{n}", statement=f"Claim number {n}."), "One.")
    first = get(client, "/api/v1/claims/", page_size=2)
    schemas.ClaimPage.model_validate(first)
    assert first["count"] == 5 and first["pages"] == 3
    assert [c["slug"] for c in first["results"]] == ["c4", "c3"]
    assert first["previous"] is None
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [c["slug"] for c in second["results"]] == ["c2", "c1"]
    assert parse_qs(urlsplit(second["previous"]).query) == {"page": ["1"], "page_size": ["2"]}
    assert get(client, "/api/v1/claims/", 404, page=9)["detail"] == "No page 9: there are 1."


def test_the_list_filters_by_topic_verdict_and_words(client, claim):
    publish(make_claim(slug="other", statement="Stretching prevents injury."), "One.")
    by_topic = get(client, "/api/v1/claims/", topic="endurance")
    assert [c["slug"] for c in by_topic["results"]] == ["caffeine"]
    verdict = claim.current_version.verdict
    by_verdict = get(client, "/api/v1/claims/", verdict=verdict)
    assert "caffeine" in [c["slug"] for c in by_verdict["results"]]
    by_words = get(client, "/api/v1/claims/", q="stretching")
    assert [c["slug"] for c in by_words["results"]] == ["other"]


@pytest.mark.parametrize(
    "params",
    [
        {"verdict": "probably"},
        {"page": "abc"},
        {"page": "0"},
        {"page_size": "1000"},
        {"topic": "not a slug"},
        {"sort": "statement"},
        {"page": str(2**64)},
    ],
)
def test_bad_filters_answer_400_in_json(client, claim, params):
    data = get(client, "/api/v1/claims/", 400, **params)
    assert data["detail"]


def test_unknown_objects_answer_404_in_json(client, claim):
    make_claim(slug="draft")
    assert get(client, "/api/v1/claims/nothing/", 404)["detail"]
    assert get(client, "/api/v1/claims/draft/", 404)["detail"]
    assert get(client, "/api/v1/claims/caffeine/versions/7/", 404)["detail"]
    assert get(client, "/api/v1/studies/10.5555/none/", 404)["detail"]
    assert get(client, "/api/v1/claims/caffeine/versions/99999999999999999999/", 400)
    # Digits str.isdigit() takes and int() does not: refused, not a server error.
    assert get(client, "/api/v1/claims/caffeine/versions/%C2%B2/", 400)["detail"]
    assert get(client, "/api/v1/claims/", 404, topic="no-such-topic")["detail"]


def test_a_study_answers_with_the_claims_citing_it(client, claim):
    data = get(client, "/api/v1/studies/10.5555/api.1/")
    schemas.Study.model_validate(data)
    assert data["doi"] == "10.5555/api.1"
    assert data["cited_by"] == ["caffeine"]
    assert data["doi_url"] == "https://doi.org/10.5555/api.1"


def test_a_cached_answer_has_an_etag_and_answers_304(client, claim):
    first = client.get("/api/v1/claims/caffeine/")
    etag = first["ETag"]
    assert "public" in first["Cache-Control"]
    again = client.get("/api/v1/claims/caffeine/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    cached = client.get("/api/v1/claims/caffeine/")
    assert cached["Content-Type"] == "application/json"
    assert cached.content == first.content
    make_evidence(claim, make_study(), Stance.SUPPORTS)
    publish(claim, "Second.")
    assert client.get("/api/v1/claims/caffeine/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_api_is_read_only(client, claim):
    assert client.post("/api/v1/claims/").status_code == 405
    assert client.delete("/api/v1/claims/caffeine/").status_code == 405


def test_the_queries_do_not_grow_with_claims_or_evidence(
    client, claim, django_assert_max_num_queries
):
    for n in range(12):
        other = make_claim(slug=f"many-{n}")
        other.topics.add(Topic.objects.get(slug="endurance"))
        publish(other, "One.")
        make_evidence(claim, make_study(), Stance.SUPPORTS)
    publish(claim, "Many.")
    with django_assert_max_num_queries(4):
        listing = get(client, "/api/v1/claims/", page_size=100)
    assert listing["count"] == 13
    with django_assert_max_num_queries(4):
        detail = get(client, "/api/v1/claims/caffeine/")
    assert len(detail["evidence"]) == 14


def test_a_control_character_is_refused_in_json(client, claim):
    data = get(client, "/api/v1/claims/", 400, q="caf\x00feine")
    assert "control character" in data["detail"]


def test_the_list_states_the_certainty_and_its_override_beside_the_verdict(client, claim):
    Claim.objects.filter(pk=claim.pk).update(
        certainty_override="very_low", certainty_override_reason="One lab only."
    )
    publish(Claim.objects.get(pk=claim.pk), "Override.")
    (item,) = get(client, "/api/v1/claims/")["results"]
    assert item["certainty"] == {
        "level": "very_low",
        "label": "Very low",
        "overridden": True,
        "override_reason": "One lab only.",
    }


def test_head_answers_like_get_without_a_body(client, claim):
    response = client.head("/api/v1/claims/caffeine/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == client.get("/api/v1/claims/caffeine/")["ETag"]


def test_a_cors_preflight_is_allowed(client, db):
    response = client.options(
        "/api/v1/claims/",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/",
        "/api/v1/claims/caffeine/",
        "/api/v1/claims/caffeine/versions/1/",
        "/api/v1/studies/10.5555/api.1/",
    ],
)
def test_a_second_answer_comes_from_the_cache_in_one_query(
    client, claim, url, django_assert_num_queries
):
    first = client.get(url)
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"


def test_a_claim_carries_each_studys_effect_and_the_pooled_estimate(client, db):
    claim = make_claim(slug="effects", statement="Heavy loads build strength.")
    for n, (estimate, low, high) in enumerate([(0.4, 0.1, 0.7), (0.6, 0.2, 1.0), (0.2, -0.2, 0.6)]):
        make_evidence(
            claim,
            make_study(doi=f"10.5555/effect.{n}", sample_size=60),
            Stance.SUPPORTS,
            effect_outcome="One-repetition maximum",
            effect_measure="smd",
            effect_estimate=estimate,
            effect_ci_low=low,
            effect_ci_high=high,
        )
    make_evidence(claim, make_study(doi="10.5555/effect.none"), Stance.SUPPORTS)
    publish(claim, "First.")

    data = get(client, "/api/v1/claims/effects/")
    schemas.ClaimDetail.model_validate(data)
    effects = {e["study"]["doi"]: e["effect"] for e in data["evidence"]}
    assert effects["10.5555/effect.none"] is None
    assert effects["10.5555/effect.1"]["estimate"] == 0.6
    assert effects["10.5555/effect.1"]["ci_low"] == 0.2
    assert effects["10.5555/effect.1"]["measure"] == "smd"
    pooled = data["effect"]
    assert pooled["studies"] == 3 and pooled["measure"] == "smd"
    assert 0.2 < pooled["estimate"] < 0.6
    assert pooled["ci_low"] < pooled["estimate"] < pooled["ci_high"]
    claim.refresh_from_db()
    assert pooled["sentence"] == claim.current_version.analysis.effect.sentence
    assert pooled["sentence"].startswith("On average")


def test_a_claim_without_effect_data_has_no_pooled_effect(client, claim):
    data = get(client, "/api/v1/claims/caffeine/")
    assert data["effect"] is None
    assert all(e["effect"] is None for e in data["evidence"])


def test_a_step_says_what_the_rule_gives_and_any_editors_level(client, claim):
    step = claim.mechanisms.get().steps.order_by("order").first()
    step.support_override = "contradicted"
    step.support_override_reason = "A larger trial found the opposite."
    step.save()
    publish(claim, "An editor's level.")
    (mechanism,) = get(client, "/api/v1/claims/caffeine/")["mechanisms"]
    first, second = mechanism["steps"]
    assert first["support_level"] == "contradicted" and first["overridden"] is True
    assert first["override_reason"] == "A larger trial found the opposite."
    assert first["computed_level"] == second["computed_level"] == second["support_level"]
    assert second["overridden"] is False and second["support_reason"]
