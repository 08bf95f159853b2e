"""The demo data that `make run` loads reproduces the reference claim page."""

import io
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from claims.demo import create_demo_data
from claims.models import Claim
from claims.verdicts import Verdict
from scripts.build_demo_fixture import DEMO_APPS, DERIVED_MODELS

CLAIM = "/claims/quadriceps-proximity-to-failure/"

# Every section of the reference page, in its order and with its words.
REFERENCE_LABELS = [
    "Strong Support",
    "mechanistic",
    "Analysis v2",
    "Different muscles in the front of the thigh may respond differently to how close to "
    "failure you train: the vastus lateralis may grow more when trained to complete fatigue, "
    "while the rectus femoris",
    "66 Pro",
    "0 Against",
    "Evidence from Studies",
    "Supporting (1) Supporting weight: 66",
    "Community contributions welcome",
    "Refalo et al. (2024)",
    "Contradicting (0) Contradicting weight: 0",
    "Community contributions welcome",
    "No contradicting evidence found",
    "Mechanism",
    "Synthesis from 1 study",
    "How it works",
    "When you do leg presses first and then leg extensions, pushing the leg press to failure",
    "Read more",
    "Most probable mechanism",
    "In Simple Terms",
    "When you do leg presses first and then leg extensions, the leg press fatigues the vastus "
    "lateralis more",
    "Causal chain",
    "Multi-joint exercises like leg press preferentially activate",
    "Supported by evidence",
    "which leads to",
    "Differential fatigue accumulation across quadriceps subunits",
    "Less supported by current evidence, but not ruled out",
    "In Simple Terms",
    "Both training to failure and training with reps in reserve can cause muscle growth",
    "Causal chain",
    "Resistance training applies mechanical tension to muscle fibers",
    "Verified by multiple studies",
    "which leads to",
    "Net positive protein balance leads to sarcomere addition",
    "Gold Standard Evidence Needed",
    "According to GRADE and EBM methodology, here is what ideal scientific evidence would look "
    "like to definitively prove or disprove this specific claim, ordered from strongest to "
    "weakest evidence.",
    "Sign up to see full verdict",
]


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def visible_text(html: str) -> str:
    import re
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_reference_claim_shows_every_label_in_order(client, demo):
    text = visible_text(client.get(CLAIM).content.decode())
    position = 0
    for label in REFERENCE_LABELS:
        found = text.find(label, position)
        assert found >= 0, f"{label!r} missing after position {position}"
        position = found + len(label)


def test_the_reference_claim_has_its_numbers(demo):
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    assert (claim.pro_tally, claim.against_tally) == (66, 0)
    assert claim.verdict == Verdict.STRONG_SUPPORT
    assert claim.analysis_version == 2
    evidence = claim.evidence.get()
    study = evidence.study
    assert study.doi == "10.1080/02640414.2024.2321021"
    assert study.title.startswith("Similar muscle hypertrophy following eight weeks")
    assert study.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert (study.journal, study.volume, study.issue, study.pages, study.year) == (
        "Journal of Sports Sciences",
        "42",
        "1",
        "85–101",
        2024,
    )
    assert (study.sample_size, study.design) == (18, "rct")
    assert evidence.weight == 66 and evidence.weight_override_reason
    designs = list(claim.gold_standard_designs.order_by("rank").values_list("design", flat=True))
    assert 3 <= len(designs) <= 5


def test_members_see_the_reference_gold_standard_list(client, demo):
    client.force_login(User.objects.get(username="member"))
    html = client.get(CLAIM).content.decode()
    assert "Sign up to see full verdict" not in html
    assert html.count('class="gold-item"') >= 3


def test_the_demo_shows_every_verdict_and_three_claim_types(client, demo):
    claims = Claim.objects.all()
    assert claims.count() >= 6
    assert {c.verdict for c in claims} == set(Verdict.values)
    assert len({c.claim_type for c in claims}) >= 3
    for claim in claims:
        assert claim.mechanisms.exists() and claim.evidence.exists(), claim.slug
        assert client.get(claim.get_absolute_url()).status_code == 200


def test_example_studies_use_the_test_prefix(demo):
    from evidence.models import Study

    for study in Study.objects.filter(is_example=True):
        assert study.doi.startswith("10.5555/"), study.doi


def test_the_demo_editor_can_sign_in_to_the_admin(client, demo):
    assert client.login(username="editor", password="evidence-demo")
    assert client.get("/admin/claims/claim/").status_code == 200


def test_the_reference_claim_has_v1_and_v2_and_v2_is_the_seed(client, demo):
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    v1, v2 = claim.versions.order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.change_note and v2.change_note
    assert len(v1.snapshot["mechanisms"]) == 1 and len(v2.snapshot["mechanisms"]) == 2
    assert (v2.pro_tally, v2.against_tally, v2.verdict) == (66, 0, Verdict.STRONG_SUPPORT)
    # The working copy is what was published last: no unpublished changes in the demo.
    from claims.publishing import has_unpublished_changes

    assert not has_unpublished_changes(claim)
    history = client.get(f"{CLAIM}history/").content.decode()
    assert "Analysis v2" in history and "Analysis v1" in history
    old = client.get(f"{CLAIM}v/1/").content.decode()
    assert "You are viewing analysis v1 of 2" in old
    assert "Less supported by current evidence" not in old


def test_every_demo_claim_is_published(demo):
    for claim in Claim.objects.all():
        assert claim.analysis_version >= 1, claim.slug


# Written when the data is saved, or hashed with a random salt: they differ on every build.
VOLATILE_FIELDS = {
    "created_at",
    "updated_at",
    "published_at",
    "password",
    "last_login",
    "date_joined",
    # When the demo's literature was checked and its candidates found: the build's time.
    "literature_checked_at",
    "literature_changed_at",
    "found_at",
}


def comparable(objects: list[dict]) -> list[dict]:
    """Serialized objects with volatile fields dropped and primary keys replaced by each
    object's position among its model's rows (ordered by key), so two builds that made the
    same rows in the same order compare equal whatever numbers the database handed out."""
    position = {}
    for obj in objects:
        if "pk" in obj:
            rows = position.setdefault(obj["model"], {})
            rows[obj["pk"]] = len(rows)

    def ref(field, value):
        target = field.related_model._meta.label_lower
        if value is None or target not in position:
            return value  # a natural key (users, groups) says who it is already
        return position[target][value]

    result = []
    for obj in objects:
        model = apps.get_model(obj["model"])
        fields = {}
        for name, value in obj["fields"].items():
            if name in VOLATILE_FIELDS:
                continue
            field = model._meta.get_field(name)
            if field.many_to_many:
                value = sorted(ref(field, item) for item in value)
            elif field.is_relation:
                value = ref(field, value)
            fields[name] = value
        key = position[obj["model"]][obj["pk"]] if "pk" in obj else None
        result.append({"model": obj["model"], "key": key, "fields": fields})
    return result


def dump_demo_apps() -> list[dict]:
    """What `make fixture` writes, read from the test database."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        *DEMO_APPS,
        exclude=list(DERIVED_MODELS),
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_the_fixture_is_what_claims_demo_builds(db):
    create_demo_data()
    built = comparable(dump_demo_apps())
    fixture = comparable(json.loads((settings.BASE_DIR / "fixtures" / "demo.json").read_text()))
    assert [o["model"] for o in built] == [o["model"] for o in fixture]
    for made, stored in zip(built, fixture, strict=True):
        assert made == stored, "fixtures/demo.json is out of date: run `make fixture`"
