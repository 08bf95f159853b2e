"""Fill the database with realistic published claims, to measure the site at scale.

    python manage.py generate_claims --claims 10000
    python manage.py generate_claims --claims 100000 --batch 1000 --jobs 2   # PostgreSQL

Each claim gets topics, 3–8 studies as evidence (studies under the 10.5555 test prefix, shared
between claims as real studies are), one or two mechanisms with cited steps and gold-standard
designs; about one claim in four is published two or three times, with evidence added in
between. Everything, versions, listings and search index included, is written in batches (by
COPY on PostgreSQL, bulk_create elsewhere), one transaction a batch, by `--jobs` processes on
PostgreSQL: publishing claim by claim through publish_analysis() costs about 100 ms a claim,
hours at 100,000. Each
version's snapshot is the same ClaimAnalysis that build_analysis() would assemble from these
rows (tests/claims/test_generate_claims.py checks that), with the tallies and verdict that
recompute_tallies() would give.
"""

import multiprocessing
import random
import threading
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.models import Field, JSONField, prefetch_related_objects

from claims.analysis import (
    ClaimAnalysis,
    EvidenceItem,
    GoldStandardItem,
    TopicRef,
    mechanism_item,
    study_ref,
)
from claims.caching import forget_stamps
from claims.certainty import certainty_for
from claims.models import (
    AnalysisVersion,
    Claim,
    ClaimType,
    PublishedCitation,
    PublishedClaim,
    PublishedTopic,
    Topic,
)
from claims.sensitivity import sensitivity_checks
from claims.verdicts import Verdict, verdict_for
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.markdown import render_markdown
from evidence.models import Evidence, GoldStandardDesign, Study
from mechanisms.models import CausalStep, Mechanism, Provenance, StepCitation, SupportLevel

CLAIM_SLUG_PREFIX = "generated-"
STUDY_DOI_PREFIX = "10.5555/generated."
PUBLISHER = "generated-claims"

TOPICS = [
    "Strength training",
    "Endurance",
    "Sleep",
    "Nutrition",
    "Cardiology",
    "Mental health",
    "Ageing",
    "Metabolism",
    "Paediatrics",
    "Public health",
]
INTERVENTIONS = [
    "Resistance training to failure",
    "Daily protein supplementation",
    "Interval running",
    "A Mediterranean diet",
    "Eight hours of sleep",
    "Intermittent fasting",
    "Mindfulness practice",
    "Vitamin D supplementation",
    "Daily stretching",
    "Cold-water immersion",
    "Caffeine before exercise",
    "Walking after meals",
]
EFFECTS = ["increases", "reduces", "improves", "does not change", "slows", "protects"]
OUTCOMES = [
    "muscle hypertrophy",
    "resting blood pressure",
    "insulin sensitivity",
    "maximal strength",
    "symptoms of anxiety",
    "bone density",
    "VO2max",
    "recovery time",
    "body fat",
    "cognitive decline",
    "injury rates",
    "sleep quality",
]
POPULATIONS = [
    "trained adults",
    "older adults",
    "adolescents",
    "people with type 2 diabetes",
    "office workers",
    "endurance athletes",
    "postmenopausal women",
    "untrained men",
]
SUMMARIES = [
    "Pooled trials point the same way, but most are **small** and short.",
    "Larger cohorts agree with the trials; the effect is *modest* and varies between people.",
    "Evidence is mixed: the best trials disagree, and **risk of bias** is often high.",
    "Mechanistic work is convincing, while trials in people are still few.",
]
STEP_TEXTS = [
    "The stimulus raises **mechanical tension** in the working tissue.",
    "Signalling pathways respond within hours of the stimulus.",
    "Protein synthesis rises above breakdown for a day or two.",
    "Repeated over weeks, the adaptation becomes *measurable*.",
    "Hormonal changes follow, though their role is debated.",
    "The effect fades when the stimulus stops.",
]
FINDINGS = [
    "Found a clear effect in the **primary outcome**.",
    "No difference between groups after 12 weeks.",
    "A small effect that was not statistically significant.",
    "Effect seen only in the subgroup with the *largest dose*.",
]
JOURNALS = ["Journal of Applied Physiology", "BMJ", "Sports Medicine", "The Lancet", "PLoS One"]
SURNAMES = ["Smith", "Garcia", "Nguyen", "Okafor", "Kowalski", "Tanaka", "Silva", "Novak"]
DESIGNS = list(StudyDesign.values)
RISKS = list(RiskOfBias.values)


class Command(BaseCommand):
    help = "Create N realistic published claims (for benchmarks), in batches."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims to add.")
        parser.add_argument("--batch", type=int, default=500, help="Claims written per batch.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same claims.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Processes writing batches at once, on PostgreSQL (one a core is plenty).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add generated claims even to a database that holds other data.",
        )

    def handle(self, *args, claims, batch, seed, force, jobs, **options):
        if claims < 1 or batch < 1 or jobs < 1:
            raise CommandError("--claims, --batch and --jobs must be at least 1.")
        if not force and self.has_other_data():
            raise CommandError(
                "This database holds claims or studies that were not generated: refusing to "
                "mix benchmark data into them. Use an empty database, or --force."
            )
        self.seed = seed
        self.random = random.Random(seed)
        self.html, self.study_refs = {}, {}
        publisher = self.publisher()
        topics = self.topics()
        start = Claim.objects.filter(slug__startswith=CLAIM_SLUG_PREFIX).count()
        studies = self.studies(count=max(30, claims // 2), offset=start)
        self.shared = (topics, studies, publisher)
        batches = [(start + done, min(batch, claims - done)) for done in range(0, claims, batch)]
        began = time.monotonic()
        done = 0
        if jobs > 1 and threading.active_count() > 1:
            # A fork copies the locks other threads hold, never to be released in the child:
            # from a process with threads (a server, a test run), write in this process alone.
            self.stderr.write("Other threads are running here: writing in one process.")
            jobs = 1
        if jobs > 1 and connections[Claim.objects.db].vendor == "postgresql":
            # Each process opens its own connection: none may be inherited across the fork.
            connections.close_all()
            global _COMMAND  # noqa: PLW0603 - how a forked worker finds the command
            _COMMAND = self
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for size in pool.imap_unordered(_write_batch, batches):
                    done += size
                    self.progress(done, claims, began)
        else:
            for first_and_size in batches:
                done += self.write_batch(first_and_size)
                self.progress(done, claims, began)
        self.vacuum()
        # Bulk writes send no signals: kept stamps would hide the new claims until they expire.
        forget_stamps()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {claims} published claims in {time.monotonic() - began:.0f} s."
            )
        )

    @staticmethod
    def vacuum():
        """Statistics and the visibility map for what lists read, as autovacuum would make
        them in time: counting and paging then read the indexes alone (PostgreSQL)."""
        connection = connections[Claim.objects.db]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        tables = ", ".join(
            model._meta.db_table for model in (PublishedClaim, PublishedTopic, PublishedCitation)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def write_batch(self, first_and_size) -> int:
        """Write one batch in one transaction; its claims depend only on the seed and where
        the batch starts, whichever process writes it."""
        first, size = first_and_size
        self.random = random.Random(f"{self.seed}:{first}")
        with transaction.atomic():
            self.batch(first, size, *self.shared)
        return size

    @staticmethod
    def has_other_data() -> bool:
        return (
            Claim.objects.exclude(slug__startswith=CLAIM_SLUG_PREFIX).exists()
            or Study.objects.exclude(doi__startswith=STUDY_DOI_PREFIX).exists()
        )

    def progress(self, done, total, began):
        width = 30
        filled = width * done // total
        elapsed = time.monotonic() - began
        self.stdout.write(
            f"[{'#' * filled}{'.' * (width - filled)}] {done:>7,}/{total:,} claims {elapsed:5.0f} s"
        )

    def rendered(self, text: str) -> str:
        """Markdown through the site's one function, once per distinct text."""
        if text not in self.html:
            self.html[text] = render_markdown(text)
        return self.html[text]

    @staticmethod
    def publisher():
        user, created = get_user_model().objects.get_or_create(
            username=PUBLISHER, defaults={"is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
        return user

    @staticmethod
    def topics():
        from django.utils.text import slugify

        return [
            Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in TOPICS
        ]

    def studies(self, *, count, offset):
        pick = self.random.choice
        run = Study.objects.filter(doi__startswith=STUDY_DOI_PREFIX).count() + offset
        studies = [
            Study(
                doi=f"{STUDY_DOI_PREFIX}{run + n}",
                title=f"{pick(INTERVENTIONS)} and {pick(OUTCOMES)} in {pick(POPULATIONS)}",
                authors=", ".join(
                    f"{pick(SURNAMES)} {chr(65 + self.random.randrange(26))}"
                    for _ in range(self.random.randint(1, 5))
                ),
                journal=pick(JOURNALS),
                year=self.random.randint(1995, 2025),
                design=pick(DESIGNS),
                sample_size=self.random.choice([None, 12, 40, 150, 420, 2500]),
                population=pick(POPULATIONS),
                risk_of_bias=pick(RISKS),
                retracted=self.random.random() < 0.02,
                is_example=True,
            )
            for n in range(1, count + 1)
        ]
        created = Study.objects.bulk_create(studies, batch_size=1000)
        # Versions show each study's notices: none yet, known in one query, not one a study.
        prefetch_related_objects(created, "notices")
        self.stdout.write(f"Created {len(created):,} studies under {STUDY_DOI_PREFIX}")
        return created

    def batch(self, first, size, topics, studies, publisher):
        plans = [self.plan(n, topics, studies) for n in range(first + 1, first + size + 1)]
        claims = [plan["claim"] for plan in plans]
        versions, latest = [], []
        for plan in plans:
            links, published = plan["evidence"], plan["published_evidence_counts"]
            for number, count in enumerate(published, start=1):
                analysis = self.analysis(plan, links[:count], number)
                versions.append(
                    AnalysisVersion(
                        claim=plan["claim"],
                        number=number,
                        snapshot=analysis.to_dict(),
                        verdict=analysis.verdict,
                        certainty=analysis.certainty.level,
                        pro_tally=analysis.pro,
                        against_tally=analysis.against,
                        published_by=publisher,
                        change_note="First published analysis."
                        if number == 1
                        else f"Adds {count - published[number - 2]} study (v{number}).",
                    )
                )
            latest.append((versions[-1], analysis))
        rows = Rows(connections[Claim.objects.db])
        # Where ids are known before the rows are written, a claim names its current version
        # as it is inserted (foreign keys are checked at commit), not in a second pass.
        named_ahead = rows.reserve(Claim, claims) and rows.reserve(AnalysisVersion, versions)
        if named_ahead:
            for claim, (version, _analysis) in zip(claims, latest, strict=True):
                claim.current_version = version
        rows.insert(Claim, claims)
        rows.insert(
            Claim.topics.through,
            (
                Claim.topics.through(claim_id=plan["claim"].pk, topic_id=topic.pk)
                for plan in plans
                for topic in plan["topics"]
            ),
        )
        for plan in plans:
            for row in plan["mechanisms"] + plan["evidence"] + plan["designs"]:
                row.claim = plan["claim"]
        rows.insert(Evidence, (link for plan in plans for link in plan["evidence"]))
        rows.insert(GoldStandardDesign, (d for plan in plans for d in plan["designs"]))
        mechanisms = [m for plan in plans for m in plan["mechanisms"]]
        rows.insert(Mechanism, mechanisms)
        for mechanism in mechanisms:
            for step in mechanism.planned_steps:
                step.mechanism = mechanism
        steps = [step for m in mechanisms for step in m.planned_steps]
        rows.insert(CausalStep, steps)
        for step in steps:
            for citation in step.planned_citations:
                citation.step = step
        rows.insert(StepCitation, (c for step in steps for c in step.planned_citations))
        rows.insert(AnalysisVersion, versions)
        if not named_ahead:
            for claim, (version, _analysis) in zip(claims, latest, strict=True):
                claim.current_version = version
            Claim.objects.bulk_update(claims, ["current_version"])
        # Lists and search read the listing that publishing writes; write it here too.
        PublishedClaim.objects.write_new(latest, insert=rows.insert)

    def plan(self, n, topics, studies) -> dict:
        """One claim and everything under it, in memory, not yet saved."""
        r = self.random
        links = [
            self.evidence(study, Stance.SUPPORTS if r.random() < 0.7 else Stance.CONTRADICTS)
            for study in r.sample(studies, r.randint(3, 8))
        ]
        # One claim in four is published again later, with one or two more studies each time.
        counts = [len(links)]
        if r.random() < 0.25:
            counts = [len(links) - 1, len(links)]
            if r.random() < 0.4:
                counts = [len(links) - 2, len(links) - 1, len(links)]
        first_published = links[: counts[0]]
        pro, against = tallies(links)
        summary = r.choice(SUMMARIES)
        claim = Claim(
            slug=f"{CLAIM_SLUG_PREFIX}{n}",
            statement=f"{r.choice(INTERVENTIONS)} {r.choice(EFFECTS)} {r.choice(OUTCOMES)} "
            f"in {r.choice(POPULATIONS)} (claim {n}).",
            summary=summary,
            summary_html=self.rendered(summary),
            claim_type=r.choice(ClaimType.values),
            pro_tally=pro,
            against_tally=against,
            verdict=verdict_for(pro, against),
        )
        mechanisms = []
        for rank in range(1, r.randint(1, 2) + 1):
            how = f"{r.choice(STEP_TEXTS)} {r.choice(STEP_TEXTS)}"
            simple = r.choice(SUMMARIES)
            mechanism = Mechanism(
                rank=rank,
                title=f"Through {r.choice(OUTCOMES)}",
                how_it_works=how,
                how_it_works_html=self.rendered(how),
                simple_terms=simple,
                simple_terms_html=self.rendered(simple),
            )
            mechanism.planned_steps = []
            for order in range(1, r.randint(2, 4) + 1):
                text = r.choice(STEP_TEXTS)
                step = CausalStep(order=order, text=text, text_html=self.rendered(text))
                if r.random() < 0.1:
                    # Now and then an editor's judgement, as real claims have.
                    step.support_override = r.choice(SupportLevel.values)
                    step.support_override_reason = "An editor's judgement of the cited studies."
                # Steps cite studies of the first version, so every version cites the same.
                citable = [link.study for link in first_published]
                step.planned_citations = [
                    StepCitation(study=study, provenance=r.choice(Provenance.values))
                    for study in r.sample(citable, min(len(citable), r.randint(0, 2)))
                ]
                mechanism.planned_steps.append(step)
            mechanisms.append(mechanism)
        designs = []
        for rank, design in enumerate(r.sample(DESIGNS[:3], 2), start=1):
            text = f"A {StudyDesign(design).label.lower()} in {r.choice(POPULATIONS)}."
            designs.append(
                GoldStandardDesign(
                    rank=rank, design=design, description=text, description_html=self.rendered(text)
                )
            )
        return {
            "claim": claim,
            "topics": sorted(r.sample(topics, r.randint(1, 2)), key=lambda t: t.name),
            "evidence": links,
            "published_evidence_counts": counts,
            "mechanisms": mechanisms,
            "designs": designs,
        }

    def study_ref(self, study):
        """A study as versions show it, made once: studies are shared between claims."""
        if study.pk not in self.study_refs:
            self.study_refs[study.pk] = study_ref(study)
        return self.study_refs[study.pk]

    def evidence(self, study, stance):
        finding = self.random.choice(FINDINGS)
        weight = study.weight()
        return Evidence(
            study=study,
            stance=stance,
            finding=finding,
            finding_html=self.rendered(finding),
            computed_weight=weight.computed,
            weight=weight.value,
        )

    def analysis(self, plan, links, number) -> ClaimAnalysis:
        """What build_analysis() gives for these rows, with `links` as the claim's evidence."""
        claim = plan["claim"]
        if "mechanism_items" not in plan:
            # The same in every version of the claim (steps cite studies of the first).
            plan["mechanism_items"] = [
                mechanism_item(m, steps=m.planned_steps, citations=lambda s: s.planned_citations)
                for m in plan["mechanisms"]
            ]
        pro, against = tallies(links)
        verdict = verdict_for(pro, against)
        ordered = sorted(links, key=lambda link: (-link.weight, -link.study.year))

        def item(link):
            return EvidenceItem(
                study=self.study_ref(link.study),
                stance=link.stance,
                weight=link.weight,
                computed_weight=link.computed_weight,
                overridden=False,
                override_reason="",
                finding_html=link.finding_html,
            )

        supporting = [item(link) for link in ordered if link.stance == Stance.SUPPORTS]
        contradicting = [item(link) for link in ordered if link.stance == Stance.CONTRADICTS]
        return ClaimAnalysis(
            slug=claim.slug,
            statement=claim.statement,
            summary_html=claim.summary_html,
            claim_type=claim.claim_type,
            claim_type_label=claim.get_claim_type_display(),
            topics=[TopicRef(name=t.name, slug=t.slug) for t in plan["topics"]],
            verdict=verdict,
            verdict_label=Verdict(verdict).label,
            pro=pro,
            against=against,
            version=number,
            mechanisms=plan["mechanism_items"],
            supporting=supporting,
            contradicting=contradicting,
            gold_standard=[
                GoldStandardItem(
                    rank=d.rank,
                    design=d.design,
                    design_label=d.get_design_display(),
                    description_html=d.description_html,
                )
                for d in plan["designs"]
            ],
            certainty=certainty_for(
                evidence=supporting + contradicting, judgements=claim.certainty_judgements()
            ),
            sensitivity=sensitivity_checks(evidence=supporting + contradicting, verdict=verdict),
        )


_COMMAND = None


def _write_batch(first_and_size) -> int:
    return _COMMAND.write_batch(first_and_size)


class Rows:
    """Rows written in bulk: on PostgreSQL by COPY, each row's id drawn first from its
    table's sequence (a COPY returns none), several times faster than INSERT … UNNEST with
    large JSON snapshots; elsewhere by bulk_create, which sets the ids it inserts."""

    def __init__(self, connection):
        self.connection = connection
        self.copying = connection.vendor == "postgresql"

    def reserve(self, model, objs) -> bool:
        """Give `objs` their ids now, where the database can; whether it did."""
        if not self.copying:
            return False
        pending = [obj for obj in objs if obj.pk is None]
        if pending:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, len(pending)],
                )
                for obj, (pk,) in zip(pending, cursor.fetchall(), strict=True):
                    obj.pk = pk
        return True

    def insert(self, model, objs) -> list:
        objs = list(objs)
        if not objs:
            return objs
        if not self.copying:
            return model.objects.bulk_create(objs)
        self.reserve(model, objs)
        connection, fields = self.connection, model._meta.concrete_fields
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        # Only fields that set their value on save (auto_now_add) need pre_save(), and plain
        # values of fields other than JSON need no preparing: psycopg writes them as they are.
        setting = [type(field).pre_save is not Field.pre_save for field in fields]
        json = [isinstance(field, JSONField) for field in fields]
        plain = {str, int, float, bool, type(None)}
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                # What bulk_create does: a related object saved since it was assigned.
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                row = []
                for field, sets, is_json in zip(fields, setting, json, strict=True):
                    value = field.pre_save(obj, True) if sets else getattr(obj, field.attname)
                    if is_json or type(value) not in plain:
                        value = field.get_db_prep_save(value, connection)
                    row.append(value)
                copy.write_row(row)
                obj._state.adding, obj._state.db = False, connection.alias
        return objs


def tallies(links) -> tuple[int, int]:
    """Pro and Against as recompute_tallies() sums them: the weights of each stance."""
    pro = sum(link.weight for link in links if link.stance == Stance.SUPPORTS)
    against = sum(link.weight for link in links if link.stance == Stance.CONTRADICTS)
    return pro, against
