"""Demo data: the reference claim from the seed page and a handful of example claims.

`create_demo_data()` builds everything with the ORM on an empty, migrated database. It uses
`.save()`/`.objects.create()` throughout, never `bulk_create`, because saving renders the
Markdown into the `*_html` fields and recomputes each claim's tallies and verdict.

Only one study here is real: the reference study, 10.1080/02640414.2024.2321021. Every other
study is invented, uses the 10.5555 test prefix and is marked `is_example=True`; its journal
names say "Example" so nobody mistakes it for a publication.

The intended tallies, from the weight rule (evidence/weights.py) and the verdict rule
(claims/verdicts.py), and the certainty from the certainty rule (claims/certainty.py), so that
the demo shows all four levels:

    quadriceps-proximity-to-failure   66 /   0  Strong Support    (55 overridden to 66)
        Low       High, −2 imprecision (18 participants)
    creatine-strength-gains          135 /  30  Strong Support    (85 + 50 / 30)
        High
    grip-strength-mortality          135 /  25  Strong Support    (55 + 80 / 25)
        Moderate  High, −1 risk of bias
    low-dose-caffeine-time-trial     130 /  55  Moderate Support  (75 + 55 / 55)
        Low       High, −1 inconsistency, −1 imprecision
    adults-muscle-strengthening       70 /  25  Moderate Support  (40 + 30 / 25)
        Very low  Low (cross-sectional), −1 risk of bias, −1 inconsistency
    fasted-cardio-fat-loss            62 /  85  Mixed Evidence    (50 + 12 / 55 + 30)
        Very low  High, −1 risk of bias, −2 inconsistency, −2 imprecision
    static-stretching-injury          40 / 115  Moderate Against  (40 / 75 + 40)
        Low       High, −1 risk of bias, −1 inconsistency
    protein-timing-anabolic-window     7 / 140  Strong Against    (7 / 85 + 55)
        High
    nitrate-sprint-female-athletes    17 /   0  Insufficient      (10 + 7 + 0 retracted)
        Very low  Very low (animal and review only)
    heavy-loads-maximal-strength     250 /  60  Strong Support    (7 trials with effect sizes,
        Low       High, −1 inconsistency (I² 71 %), −1 imprecision   one retracted: forest plot)
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from claims.models import Claim, ClaimType, Topic
from claims.publishing import publish_analysis
from editorial.literature import refresh_status
from editorial.models import Candidate
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.models import Evidence, GoldStandardDesign, Study
from mechanisms.models import CausalStep, Mechanism, Provenance, StepCitation, SupportLevel

DEMO_PASSWORD = "evidence-demo"

REFERENCE_DOI = "10.1080/02640414.2024.2321021"

EX_SPORT = "Example Journal of Exercise Science"
EX_NUTRITION = "Example Reviews in Sports Nutrition"
EX_EPI = "Example Journal of Physical Activity Epidemiology"
EX_MED = "Example Journal of Sports Medicine"

RCT = StudyDesign.RCT
META = StudyDesign.META_ANALYSIS
COHORT = StudyDesign.COHORT
CROSS = StudyDesign.CROSS_SECTIONAL
ANIMAL = StudyDesign.ANIMAL
MECH = StudyDesign.MECHANISTIC_REVIEW

LOW = RiskOfBias.LOW
SOME = RiskOfBias.SOME_CONCERNS
HIGH = RiskOfBias.HIGH
NOT_ASSESSED = RiskOfBias.NOT_ASSESSED

SUPPORTS = Stance.SUPPORTS
CONTRADICTS = Stance.CONTRADICTS

PEOPLE = Provenance.PEOPLE
ELSEWHERE = Provenance.OTHER_SETTING
BACKGROUND = Provenance.BACKGROUND

# The reference claim keeps the seed page's labels; where the rule gives another level (its
# one trial measured growth, not the steps' physiology), an editor's reason says why.
ACTIVATION_REASON = (
    "The trial measured growth, not activation; that the leg press and the leg extension "
    "load these muscles differently is established in the EMG studies it builds on."
)
MECHANOTRANSDUCTION_REASON = (
    "Textbook mechanotransduction physiology, shown in many studies of people; the one trial "
    "cited here is background for it."
)

# "Contradicted by evidence" is never derived: an editor judges that a study contradicts a step.
CONTRADICTED_REASON = (
    "The studies cited measured this step in people and found the opposite of what it says."
)

VERIFIED = SupportLevel.VERIFIED
SUPPORTED = SupportLevel.SUPPORTED
LIMITED = SupportLevel.LIMITED
HYPOTHESIS = SupportLevel.HYPOTHESIS
CONTRADICTED = SupportLevel.CONTRADICTED


# --- helpers ----------------------------------------------------------------------------------


def _topics(*names):
    return [
        Topic.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
        for name in names
    ]


def _study(doi, title, authors, year, design, *, is_example=True, **facts):
    return Study.objects.create(
        doi=doi,
        title=title,
        authors=authors,
        year=year,
        design=design,
        is_example=is_example,
        **facts,
    )


def _example(doi, title, authors, year, design, journal, sample_size, population, risk, **more):
    return _study(
        doi,
        title,
        authors,
        year,
        design,
        journal=journal,
        sample_size=sample_size,
        population=population,
        risk_of_bias=risk,
        **more,
    )


def _claim(slug, statement, claim_type, topics, summary):
    claim = Claim.objects.create(
        slug=slug,
        statement=statement,
        claim_type=claim_type,
        summary=summary,
    )
    claim.topics.set(_topics(*topics))
    return claim


def _evidence(claim, study, stance, finding, *, override=None, reason=""):
    return Evidence.objects.create(
        claim=claim,
        study=study,
        stance=stance,
        finding=finding,
        weight_override=override,
        weight_override_reason=reason,
    )


def _mechanism(claim, rank, title, how_it_works, simple_terms, steps):
    """`steps` is a list of (text, support level, citations[, editor's reason]).

    Each citation is a study (cited with what its design most likely shows) or a (study,
    provenance) pair. The support level follows from the citations by the rule
    (mechanisms/support.py); a step whose intended level differs says why, as an editor does.
    """
    mechanism = Mechanism.objects.create(
        claim=claim,
        rank=rank,
        title=title,
        how_it_works=how_it_works,
        simple_terms=simple_terms,
    )
    for order, (text, level, citations, *reason) in enumerate(steps, start=1):
        step = CausalStep.objects.create(mechanism=mechanism, order=order, text=text)
        _cite(step, citations)
        _judge(step, level, *reason)
    return mechanism


def _cite(step, citations):
    for citation in citations:
        study, provenance = citation if isinstance(citation, tuple) else (citation, None)
        if provenance is None:
            step.cite(study)
        else:
            StepCitation.objects.update_or_create(
                step=step, study=study, defaults={"provenance": provenance}
            )


def _judge(step, level, reason=""):
    """Set `level` as the editor's when the rule gives another; the demo must say why."""
    step.support_override, step.support_override_reason = "", ""
    if step.support().computed_level != level:
        if not reason:
            raise ValueError(f"{step}: the rule gives another level than {level}; say why.")
        step.support_override, step.support_override_reason = level, reason
    step.save()


def _gold(claim, rank, design, lead, *, population, comparison, outcome, duration, sample):
    description = (
        f"{lead}\n\n"
        f"- **Population:** {population}\n"
        f"- **Comparison:** {comparison}\n"
        f"- **Outcome:** {outcome}\n"
        f"- **Duration:** {duration}\n"
        f"- **Sample size:** {sample}\n"
    )
    return GoldStandardDesign.objects.create(
        claim=claim, rank=rank, design=design, description=description
    )


# --- the reference claim (the seed page) ------------------------------------------------------


def _quadriceps_proximity_to_failure(editor):
    study = _study(
        REFERENCE_DOI,
        "Similar muscle hypertrophy following eight weeks of resistance training to momentary "
        "muscular failure or with repetitions-in-reserve in resistance-trained individuals",
        "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ",
        2024,
        RCT,
        is_example=False,
        journal="Journal of Sports Sciences",
        volume="42",
        issue="1",
        pages="85–101",
        sample_size=18,
        population="resistance-trained adults (within-subject design)",
        risk_of_bias=LOW,
    )
    claim = _claim(
        "quadriceps-proximity-to-failure",
        "Different muscles in the front of the thigh may respond differently to how close to "
        "failure you train: the vastus lateralis may grow more when trained to complete "
        "fatigue, while the rectus femoris may grow more when sets stop 1–2 repetitions short "
        "of failure.",
        ClaimType.MECHANISTIC,
        ["Resistance training", "Muscle hypertrophy"],
        "Eight weeks of training to momentary muscular failure or stopping 1–2 repetitions "
        "short of it produced similar overall quadriceps growth in resistance-trained adults "
        f"({REFERENCE_DOI}). Muscle by muscle, the vastus lateralis grew a little more with "
        "training to failure and the rectus femoris a little more with repetitions in reserve. "
        "The pattern comes from one small within-subject trial and still needs replicating.",
    )
    # v1, as first published: the rule's weight, one mechanism, step 3 less certain.
    evidence = _evidence(
        claim,
        study,
        SUPPORTS,
        "Eighteen resistance-trained adults trained one leg to momentary muscular failure and "
        "the other with 1–2 repetitions in reserve for eight weeks. Overall quadriceps "
        "hypertrophy was similar between the two conditions, but the response was "
        "muscle-specific: growth of the **vastus lateralis** favoured training to failure, "
        "while growth of the **rectus femoris** favoured stopping with repetitions in reserve "
        f"({REFERENCE_DOI}).",
    )
    first = _mechanism(
        claim,
        1,
        "Exercise order and muscle-specific fatigue",
        "When you do leg presses first and then leg extensions, pushing the leg press to "
        "failure makes the vastus lateralis grow more because it gets the most work when "
        "tired, but stopping short lets you do better leg extensions, which makes the rectus "
        "femoris grow more — this is why different parts of the same muscle group can respond "
        "differently to one programme, depending on the order of the exercises and on how "
        f"close to failure each set of the first exercise is taken ({REFERENCE_DOI}).",
        "When you do leg presses first and then leg extensions, the leg press fatigues the "
        "vastus lateralis more, so pushing it to failure makes it grow a bit more because it "
        "gets the most tension. But if you stop short of failure on the leg press, you stay "
        "less tired, so when you do the leg extension, your rectus femoris gets more work and "
        "grows a bit more — this is why one muscle prefers going all the way to failure and "
        "the other prefers leaving a few reps in reserve, based on the order of exercises "
        f"({REFERENCE_DOI}).",
        [
            (
                "Multi-joint exercises like leg press preferentially activate and impose high "
                "mechanical tension on the vastus lateralis due to its biomechanical leverage "
                f"during hip and knee extension ({REFERENCE_DOI}).",
                SUPPORTED,
                [(study, BACKGROUND)],
                ACTIVATION_REASON,
            ),
            (
                "Single-joint exercises like leg extension preferentially activate the rectus "
                "femoris due to its anatomical role in pure knee extension without hip "
                f"involvement ({REFERENCE_DOI}).",
                SUPPORTED,
                [(study, BACKGROUND)],
                ACTIVATION_REASON,
            ),
            (
                "Training to momentary muscular failure during leg press induces greater "
                "neuromuscular fatigue in the vastus lateralis, maximizing its mechanical "
                f"tension exposure and hypertrophic response ({REFERENCE_DOI}).",
                LIMITED,
                [(study, BACKGROUND)],
            ),
            (
                "Training with 1–2 repetitions-in-reserve during leg press preserves "
                "neuromuscular function, reducing fatigue and allowing higher-quality leg "
                "extension performance, which enhances rectus femoris activation and "
                f"hypertrophy ({REFERENCE_DOI}).",
                SUPPORTED,
                [(study, PEOPLE)],
            ),
            (
                "Differential fatigue accumulation across quadriceps subunits alters the "
                "relative mechanical tension experienced by vastus lateralis versus rectus "
                "femoris during subsequent exercises, leading to muscle-specific hypertrophic "
                f"adaptations ({REFERENCE_DOI}).",
                SUPPORTED,
                [(study, PEOPLE)],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "An individual-participant meta-analysis of randomised trials that report growth "
        "**muscle by muscle**, testing the muscle × proximity-to-failure interaction directly.",
        population="Trained and untrained adults from at least eight randomised trials that "
        "measured the vastus lateralis and rectus femoris separately.",
        comparison="Sets taken to momentary muscular failure versus sets stopped with 1–3 "
        "repetitions in reserve, with training volume matched.",
        outcome="Change in cross-sectional area of each quadriceps muscle (MRI or panoramic "
        "ultrasound); the pre-registered primary test is the muscle × condition interaction.",
        duration="Trials of at least 8 weeks.",
        sample="At least 400 pooled participants (GRADE's optimal information size).",
    )
    _gold(
        claim,
        2,
        RCT,
        "A large, pre-registered **within-subject** randomised trial: each participant trains "
        "one leg to failure and the other with repetitions in reserve, and every quadriceps "
        "muscle is imaged by MRI.",
        population="Resistance-trained men and women aged 18–40 with at least two years of "
        "lower-body training.",
        comparison="Leg randomised to failure versus 1–2 repetitions in reserve on leg press "
        "followed by leg extension, 3 sessions a week, volume-matched; assessors blinded.",
        outcome="MRI cross-sectional area of vastus lateralis, vastus medialis, vastus "
        "intermedius and rectus femoris at 30 %, 50 % and 70 % of femur length.",
        duration="12 weeks.",
        sample="60 participants (120 legs), powered for a 3 % between-muscle difference: "
        "one of the trials to pool towards 400 participants in all.",
    )
    _gold(
        claim,
        3,
        RCT,
        "A smaller 2 × 2 factorial trial that tests the proposed mechanism: proximity to "
        "failure crossed with **exercise order**.",
        population="Untrained or recreationally active adults aged 18–35.",
        comparison="Failure versus 2 repetitions in reserve on the first exercise, with leg "
        "press first or leg extension first (four groups).",
        outcome="Ultrasound muscle thickness of vastus lateralis and rectus femoris; leg "
        "extension repetitions completed per session as a measure of carried-over fatigue.",
        duration="10 weeks.",
        sample="48 participants (12 per group).",
    )
    publish_analysis(
        claim=claim,
        by=editor,
        note="First analysis, from the within-subject trial by Refalo et al. (2024).",
    )

    # v2, the page as it stands: the weight reflects the within-subject design, step 3 is
    # supported after a full-text review, and the alternative mechanism is added.
    evidence.weight_override = 66
    evidence.weight_override_reason = (
        "Within-subject randomisation: each participant trained one leg each way, which "
        "gives more precision than n = 18 suggests."
    )
    evidence.save()
    step = first.steps.get(order=3)
    step.support_override = SUPPORTED
    step.support_override_reason = (
        "Raised after a full-text review: the trial's muscle-by-muscle growth is what this "
        "step predicts, though fatigue itself was not measured."
    )
    step.save()
    _mechanism(
        claim,
        2,
        "Matched mechanical tension drives growth either way",
        "Training to failure and training with repetitions in reserve may both build muscle "
        "through the same mechanotransduction pathway, so with similar total tension the "
        "quadriceps grows about equally and the muscle-specific differences are small "
        f"variations around a shared response ({REFERENCE_DOI}).",
        "Both training to failure and training with reps in reserve can cause muscle growth by "
        "stretching and pulling muscle fibers hard enough to trigger molecular signals that "
        "build more muscle protein, as long as the total amount of tension over time is "
        f"similar ({REFERENCE_DOI}).",
        [
            (
                "Resistance training applies mechanical tension to muscle fibers during "
                "concentric and eccentric contractions, activating mechanosensors such as "
                f"integrins and focal adhesion kinase ({REFERENCE_DOI}).",
                VERIFIED,
                [(study, BACKGROUND)],
                MECHANOTRANSDUCTION_REASON,
            ),
            (
                "Mechanosensor activation triggers the PI3K/Akt/mTOR signaling pathway, which "
                f"increases ribosomal production and protein synthesis rates ({REFERENCE_DOI}).",
                VERIFIED,
                [(study, BACKGROUND)],
                MECHANOTRANSDUCTION_REASON,
            ),
            (
                "Net positive protein balance leads to sarcomere addition and increased muscle "
                "fiber cross-sectional area, regardless of whether sets are performed to "
                "failure or with repetitions-in-reserve, as long as total volume is matched "
                f"({REFERENCE_DOI}).",
                VERIFIED,
                [(study, BACKGROUND)],
                MECHANOTRANSDUCTION_REASON,
            ),
        ],
    )
    _gold(
        claim,
        4,
        MECH,
        "An acute mechanistic study with high-density EMG that checks whether failure on the "
        "leg press really shifts fatigue and work between quadriceps muscles in the next "
        "exercise.",
        population="Resistance-trained adults.",
        comparison="One session with leg press to failure versus one with 2 repetitions in "
        "reserve, each followed by leg extension, in random order a week apart.",
        outcome="High-density surface EMG amplitude of vastus lateralis and rectus femoris, "
        "muscle-specific MRI T2 shift, and leg extension repetitions and load.",
        duration="Two sessions, one week apart.",
        sample="20 participants.",
    )
    publish_analysis(
        claim=claim,
        by=editor,
        note="Weight of the Refalo et al. trial set to 66 for its within-subject design; "
        "step 3 raised to “Supported by evidence” after a full-text review; added the "
        "matched-tension mechanism as a less supported alternative and an acute EMG study to "
        "the gold standard list.",
    )
    return claim


# --- example claims ----------------------------------------------------------------------------


def _creatine_strength_gains():
    meta = _example(
        "10.5555/demo.2021.101",
        "Creatine supplementation and strength gains from resistance training: a systematic "
        "review and meta-analysis of randomised trials",
        "Halvorsen KT, Marsh DJ, Ibarra LP",
        2021,
        META,
        EX_NUTRITION,
        721,
        "adults in supervised resistance-training programmes (22 trials pooled)",
        LOW,
    )
    trial = _example(
        "10.5555/demo.2019.102",
        "Twelve weeks of creatine monohydrate during periodised resistance training in young "
        "adults: a double-blind randomised trial",
        "Okafor CN, Lindqvist AM, Pereira RS, Tan WY",
        2019,
        RCT,
        EX_SPORT,
        42,
        "untrained and recreationally trained adults aged 18–35",
        SOME,
    )
    null = _example(
        "10.5555/demo.2018.103",
        "No added strength gain from four weeks of creatine loading in trained rowers",
        "Brandt J, Solberg EH",
        2018,
        RCT,
        EX_SPORT,
        20,
        "well-trained competitive rowers",
        HIGH,
    )
    claim = _claim(
        "creatine-strength-gains",
        "Taking creatine monohydrate while following a resistance-training programme "
        "increases gains in maximal strength compared with training alone.",
        ClaimType.INTERVENTIONAL,
        ["Supplements", "Resistance training", "Strength"],
        "Pooled randomised trials show larger one-repetition-maximum gains when creatine is "
        "added to resistance training (10.5555/demo.2021.101), and a 12-week double-blind "
        "trial agrees (10.5555/demo.2019.102). A short, unblinded trial in trained rowers found "
        "no extra gain (10.5555/demo.2018.103).",
    )
    _evidence(
        claim,
        meta,
        SUPPORTS,
        "Across 22 randomised trials, creatine plus training increased bench-press and squat "
        "one-repetition maximum more than placebo plus training, with little heterogeneity "
        "between trials (10.5555/demo.2021.101).",
    )
    _evidence(
        claim,
        trial,
        SUPPORTS,
        "Participants taking 5 g/day gained more leg-press and bench-press strength over 12 "
        "weeks than those on placebo; dropouts were uneven between groups "
        "(10.5555/demo.2019.102).",
    )
    _evidence(
        claim,
        null,
        CONTRADICTS,
        "Four weeks of creatine loading did not change strength gains in well-trained rowers. "
        "The trial was short, unblinded and small (10.5555/demo.2018.103).",
    )
    _mechanism(
        claim,
        1,
        "More phosphocreatine, more training volume",
        "Creatine raises the muscle's store of phosphocreatine, which rebuilds ATP quickly "
        "during hard sets. More repetitions per set and faster recovery between sets add up "
        "to more training over weeks, and so to larger strength gains "
        "(10.5555/demo.2021.101).",
        "Creatine tops up a quick-release energy store in your muscles. With more of it you "
        "can do a rep or two more in each hard set, and over months that extra work makes you "
        "stronger (10.5555/demo.2019.102).",
        [
            (
                "Supplementing 3–5 g of creatine monohydrate a day raises intramuscular total "
                "creatine and phosphocreatine by roughly 10–30 % (10.5555/demo.2021.101).",
                VERIFIED,
                [meta],
                "The meta-analysis pools randomised trials that measured muscle creatine in "
                "people: many studies, cited as one.",
            ),
            (
                "Greater phosphocreatine stores speed ATP resynthesis during and between "
                "high-intensity sets, allowing more repetitions at a given load "
                "(10.5555/demo.2019.102).",
                SUPPORTED,
                [trial],
            ),
            (
                "A higher training volume accumulated over weeks produces larger gains in "
                "maximal strength (10.5555/demo.2021.101, 10.5555/demo.2019.102).",
                VERIFIED,
                [meta, trial],
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Cell swelling and satellite-cell signalling",
        "Creatine draws water into muscle cells; the swelling may itself act as an anabolic "
        "signal and recruit satellite cells, adding to strength gains independently of "
        "training volume.",
        "Creatine pulls water into muscle cells. Some researchers think the fuller cells send "
        'a "grow" signal of their own, but this has barely been tested in people.',
        [
            (
                "Creatine uptake increases intracellular water in skeletal muscle "
                "(10.5555/demo.2019.102).",
                SUPPORTED,
                [trial],
            ),
            (
                "Cell swelling activates anabolic signalling and satellite-cell proliferation "
                "in human muscle.",
                HYPOTHESIS,
                [],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "A pre-registered meta-analysis of double-blind, placebo-controlled trials with "
        "low risk of bias.",
        population="Healthy adults of both sexes, trained and untrained, in supervised "
        "resistance-training programmes.",
        comparison="Creatine monohydrate (3–5 g/day, with or without loading) versus "
        "placebo, both with the same training programme.",
        outcome="Change in one-repetition maximum for a lower- and an upper-body lift.",
        duration="Trials of at least 8 weeks.",
        sample="At least 20 trials and 800 pooled participants.",
    )
    _gold(
        claim,
        2,
        RCT,
        "A large, multi-centre double-blind randomised trial.",
        population="Adults aged 18–65, stratified by sex and training status.",
        comparison="5 g/day creatine monohydrate versus an identical-looking placebo, with "
        "the same supervised programme three times a week.",
        outcome="Change in squat and bench-press one-repetition maximum, assessed blind; "
        "muscle creatine by biopsy in a subsample.",
        duration="16 weeks.",
        sample="240 participants.",
    )
    _gold(
        claim,
        3,
        MECH,
        "A mechanistic crossover study linking muscle creatine to training volume.",
        population="Resistance-trained adults.",
        comparison="One week of creatine loading versus placebo, separated by a 6-week washout.",
        outcome="Muscle phosphocreatine by 31P-MRS and repetitions completed in five sets "
        "at 80 % of one-repetition maximum.",
        duration="Two 1-week phases.",
        sample="24 participants.",
    )
    return claim


def _low_dose_caffeine_time_trial():
    meta = _example(
        "10.5555/demo.2022.201",
        "Low-dose caffeine and endurance time-trial performance: a systematic review and "
        "meta-analysis",
        "Moreau CL, Andersson PK, Yilmaz S",
        2022,
        META,
        EX_NUTRITION,
        350,
        "trained endurance athletes (15 crossover trials pooled)",
        SOME,
    )
    cyclists = _example(
        "10.5555/demo.2020.202",
        "Caffeine at 3 mg/kg improves 40-km cycling time-trial performance: a randomised, "
        "placebo-controlled crossover trial",
        "Fitzgerald RM, Nakamura H",
        2020,
        RCT,
        EX_SPORT,
        16,
        "trained male and female cyclists",
        LOW,
    )
    runners = _example(
        "10.5555/demo.2021.203",
        "Habitual caffeine intake and the effect of a low caffeine dose on 10-km running "
        "performance: a randomised crossover trial",
        "Ruiz-Castro A, Whitfield JE, Mensah KO",
        2021,
        RCT,
        EX_SPORT,
        24,
        "trained runners drinking more than 300 mg of caffeine a day",
        LOW,
    )
    claim = _claim(
        "low-dose-caffeine-time-trial",
        "A low dose of caffeine (about 3 mg per kg of body mass) taken an hour before exercise "
        "improves endurance time-trial performance in trained athletes, including those who "
        "drink coffee every day.",
        ClaimType.INTERVENTIONAL,
        ["Supplements", "Endurance performance"],
        "Pooled crossover trials find a small improvement in time-trial performance after "
        "about 3 mg/kg of caffeine (10.5555/demo.2022.201). In habitual coffee drinkers the "
        "benefit is less certain: one trial in heavy caffeine users found none "
        "(10.5555/demo.2021.203).",
    )
    _evidence(
        claim,
        meta,
        SUPPORTS,
        "Across 15 crossover trials, 2–4 mg/kg caffeine improved time-trial performance by "
        "about 2–3 % versus placebo. Several trials did not report habitual intake "
        "(10.5555/demo.2022.201).",
    )
    _evidence(
        claim,
        cyclists,
        SUPPORTS,
        "Trained cyclists finished a 40-km time trial about 1 minute faster after 3 mg/kg "
        "caffeine than after placebo, at the same rating of perceived exertion "
        "(10.5555/demo.2020.202).",
    )
    _evidence(
        claim,
        runners,
        CONTRADICTS,
        "In runners who habitually drank more than 300 mg of caffeine a day, 3 mg/kg did not "
        "improve 10-km time-trial performance versus placebo (10.5555/demo.2021.203).",
    )
    _mechanism(
        claim,
        1,
        "Adenosine blockade lowers perceived effort",
        "Caffeine blocks adenosine receptors in the brain, which reduces the sense of effort "
        "and fatigue, so athletes choose a higher pace for the same perceived exertion "
        "(10.5555/demo.2020.202).",
        'Caffeine stops a "tiredness" signal in the brain. The race feels a little easier, '
        "so you go a little faster (10.5555/demo.2022.201).",
        [
            (
                "Caffeine is an antagonist of adenosine A1 and A2A receptors in the central "
                "nervous system (10.5555/demo.2022.201).",
                SUPPORTED,
                [meta],
            ),
            (
                "Adenosine-receptor blockade lowers perceived exertion at a given power "
                "output, allowing a higher self-selected pace (10.5555/demo.2020.202).",
                SUPPORTED,
                [cyclists],
            ),
            (
                "Daily caffeine intake does not blunt this effect through receptor "
                "up-regulation (10.5555/demo.2021.203).",
                SUPPORTED,
                [runners],
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Glycogen sparing through fat oxidation",
        "An older explanation: caffeine raises circulating fatty acids, muscles burn more fat "
        "and spare glycogen, and the spared glycogen delays fatigue late in the race.",
        "The old idea was that caffeine makes your muscles burn more fat and save their "
        "carbohydrate for later. Most studies since have not found that.",
        [
            (
                "Caffeine increases plasma free fatty acids at rest (10.5555/demo.2022.201).",
                SUPPORTED,
                [meta],
            ),
            (
                "Higher fat oxidation during exercise spares muscle glycogen and explains the "
                "performance benefit (10.5555/demo.2020.202).",
                CONTRADICTED,
                [cyclists],
                CONTRADICTED_REASON,
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "An individual-participant meta-analysis that models habitual caffeine intake as an "
        "effect modifier.",
        population="Trained endurance athletes whose habitual caffeine intake was measured.",
        comparison="2–4 mg/kg caffeine versus placebo, 45–75 minutes before a time trial.",
        outcome="Time-trial completion time, by category of habitual intake.",
        duration="Acute trials.",
        sample="At least 500 pooled participants.",
    )
    _gold(
        claim,
        2,
        RCT,
        "A double-blind crossover trial stratified by habitual caffeine use.",
        population="Trained cyclists and runners, half low (< 100 mg/day) and half high "
        "(> 300 mg/day) habitual caffeine users, confirmed with food diaries.",
        comparison="3 mg/kg caffeine versus placebo capsules, order randomised, 7 days apart.",
        outcome="Time to complete a 40-km cycling or 10-km running time trial.",
        duration="Two trial days, one week apart.",
        sample="80 participants.",
    )
    _gold(
        claim,
        3,
        CROSS,
        "A field study of competition results by pre-race caffeine use.",
        population="Amateur endurance athletes at mass-participation races.",
        comparison="Self-reported pre-race caffeine dose (none, low, high), adjusted for "
        "previous race times.",
        outcome="Finishing time relative to personal best.",
        duration="One race each.",
        sample="2000 athletes.",
    )
    return claim


def _fasted_cardio_fat_loss():
    fasted_rct = _example(
        "10.5555/demo.2020.301",
        "Fasted versus fed morning aerobic training and fat mass in adults with overweight: a "
        "six-week randomised trial",
        "Kowalczyk M, Drummond FE, Aziz N",
        2020,
        RCT,
        EX_SPORT,
        36,
        "adults with overweight",
        SOME,
    )
    review = _example(
        "10.5555/demo.2019.302",
        "Substrate use during exercise after an overnight fast: a mechanistic review",
        "Sørensen LB, Hartley GD",
        2019,
        MECH,
        EX_NUTRITION,
        None,
        "",
        LOW,
    )
    matched = _example(
        "10.5555/demo.2021.303",
        "Fasted or fed aerobic exercise with a matched energy deficit: no difference in fat "
        "loss over four weeks",
        "Delgado PR, Whitaker SJ",
        2021,
        RCT,
        EX_SPORT,
        20,
        "young women on an energy-controlled diet",
        LOW,
    )
    runners = _example(
        "10.5555/demo.2022.304",
        "Breakfast before morning training and body composition in recreational runners",
        "Lindgren OJ, Adeyemi T, Frost KL",
        2022,
        RCT,
        EX_MED,
        22,
        "recreational runners",
        HIGH,
    )
    claim = _claim(
        "fasted-cardio-fat-loss",
        "Doing aerobic exercise in the morning before breakfast leads to more fat loss than "
        "doing the same exercise after a meal.",
        ClaimType.INTERVENTIONAL,
        ["Body composition", "Nutrition", "Endurance training"],
        "Exercising after an overnight fast burns more fat during the session "
        "(10.5555/demo.2019.302), but whether that adds up to more fat loss is disputed: one "
        "trial found it did (10.5555/demo.2020.301) and two found it did not when energy "
        "intake was matched (10.5555/demo.2021.303, 10.5555/demo.2022.304).",
    )
    _evidence(
        claim,
        fasted_rct,
        SUPPORTS,
        "The fasted group lost about 1 kg more fat mass (DXA) over six weeks. Energy intake "
        "was self-reported and not controlled (10.5555/demo.2020.301).",
    )
    _evidence(
        claim,
        review,
        SUPPORTS,
        "Fat oxidation during moderate exercise is consistently higher after an overnight fast "
        "than after a carbohydrate meal (10.5555/demo.2019.302).",
    )
    _evidence(
        claim,
        matched,
        CONTRADICTS,
        "With energy intake provided and matched, fasted and fed groups lost the same fat "
        "mass (10.5555/demo.2021.303).",
    )
    _evidence(
        claim,
        runners,
        CONTRADICTS,
        "No difference in body-fat percentage between runners who trained fasted or after "
        "breakfast; allocation was not concealed and 30 % dropped out "
        "(10.5555/demo.2022.304).",
    )
    _mechanism(
        claim,
        1,
        "Low insulin frees more fat for fuel",
        "After an overnight fast, insulin is low, fat cells release more fatty acids, and "
        "muscles burn a larger share of fat during exercise. The claim needs that extra fat "
        "burning to survive the rest of the day rather than be offset later "
        "(10.5555/demo.2019.302).",
        "When you have not eaten, your body uses more fat as fuel during a workout. The open "
        "question is whether it simply uses less fat later in the day to make up for it "
        "(10.5555/demo.2021.303).",
        [
            (
                "Low insulin after an overnight fast increases lipolysis in adipose tissue "
                "(10.5555/demo.2019.302).",
                LIMITED,
                [review],
            ),
            (
                "More fat is oxidised during a fasted session than during a fed one "
                "(10.5555/demo.2019.302).",
                LIMITED,
                [review],
            ),
            (
                "The extra fat oxidised in the session is not compensated later in the day, "
                "so fat mass falls faster over weeks (10.5555/demo.2020.301, "
                "10.5555/demo.2021.303).",
                VERIFIED,
                [fasted_rct, matched],
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Training adaptations in a low-carbohydrate state",
        "Repeated fasted training might increase the muscle's capacity to oxidise fat, so "
        "that more fat is burned at rest and in every later session.",
        "Training without breakfast might teach your muscles to burn fat better all the time, "
        "not just during the workout. This has not been shown in people trying to lose fat.",
        [
            (
                "Training with low carbohydrate availability increases markers of "
                "mitochondrial biogenesis in muscle (10.5555/demo.2019.302).",
                LIMITED,
                [review],
            ),
            (
                "The higher oxidative capacity raises whole-day fat oxidation enough to reduce "
                "fat mass.",
                HYPOTHESIS,
                [],
            ),
        ],
    )
    _gold(
        claim,
        1,
        RCT,
        "A randomised trial with fully provided, energy-matched diets.",
        population="Adults aged 25–55 with overweight (BMI 25–30).",
        comparison="The same supervised 45-minute morning sessions, 4 a week, done fasted "
        "versus 1 hour after a standard breakfast; all food provided.",
        outcome="Change in fat mass by DXA; 24-hour fat oxidation by whole-room calorimetry "
        "in a subsample.",
        duration="12 weeks.",
        sample="120 participants.",
    )
    _gold(
        claim,
        2,
        RCT,
        "A free-living randomised trial to test whether any effect survives real life.",
        population="Recreationally active adults trying to lose weight.",
        comparison="Fasted versus fed morning training with the same dietary advice.",
        outcome="Change in fat mass by DXA and energy intake by weighed food records.",
        duration="16 weeks.",
        sample="200 participants.",
    )
    _gold(
        claim,
        3,
        MECH,
        "A metabolic-chamber crossover study of 24-hour compensation.",
        population="Healthy adults.",
        comparison="One day with a fasted session versus one day with a fed session.",
        outcome="24-hour fat oxidation in a whole-room calorimeter.",
        duration="Two 24-hour stays, one week apart.",
        sample="16 participants.",
    )
    return claim


def _static_stretching_injury():
    recruits = _example(
        "10.5555/demo.2017.401",
        "Pre-exercise static stretching and lower-limb injury in military recruits: a "
        "cluster-randomised trial",
        "Whitcombe DA, Rahman S, Kerr PJ, Novak T",
        2017,
        RCT,
        EX_MED,
        1620,
        "military recruits in 12 weeks of basic training",
        LOW,
    )
    football = _example(
        "10.5555/demo.2019.402",
        "Warm-up stretching habits and injury incidence in amateur football: a prospective "
        "cohort study",
        "Ferreira LM, Ohlsson B",
        2019,
        COHORT,
        EX_MED,
        400,
        "amateur football players followed for one season",
        SOME,
    )
    sprinters = _example(
        "10.5555/demo.2016.403",
        "Static stretching before training and hamstring strain in sprinters: a prospective "
        "cohort study",
        "Achterberg J, Mwangi PN, Castillo R",
        2016,
        COHORT,
        EX_MED,
        120,
        "competitive sprinters followed for two seasons",
        NOT_ASSESSED,
    )
    claim = _claim(
        "static-stretching-injury",
        "Static stretching before exercise reduces the risk of injury.",
        ClaimType.CAUSAL,
        ["Injury prevention", "Flexibility", "Warm-up"],
        "A large cluster-randomised trial found no reduction in lower-limb injuries when "
        "static stretching was added to the warm-up (10.5555/demo.2017.401), and a football "
        "cohort agrees (10.5555/demo.2019.402). A smaller cohort of sprinters suggests fewer "
        "hamstring strains among those who stretch (10.5555/demo.2016.403).",
    )
    _evidence(
        claim,
        recruits,
        CONTRADICTS,
        "Adding 20 seconds of static stretching of six muscle groups to the warm-up did not "
        "reduce all lower-limb injuries over 12 weeks (10.5555/demo.2017.401).",
    )
    _evidence(
        claim,
        football,
        CONTRADICTS,
        "Players who regularly stretched before matches had the same injury incidence as "
        "those who did not, after adjustment for age and previous injury "
        "(10.5555/demo.2019.402).",
    )
    _evidence(
        claim,
        sprinters,
        SUPPORTS,
        "Sprinters who stretched their hamstrings before training had fewer hamstring strains; "
        "confounding by training load was not addressed (10.5555/demo.2016.403).",
    )
    _mechanism(
        claim,
        1,
        "A more compliant muscle–tendon unit",
        "Static stretching acutely increases range of motion and lowers the stiffness of the "
        "muscle–tendon unit. A more compliant unit might absorb more energy before it tears, "
        "which would mean fewer strains (10.5555/demo.2016.403).",
        "Stretching makes muscles looser for a while. The idea is that a looser muscle is "
        "harder to tear, but large trials have not found fewer injuries "
        "(10.5555/demo.2017.401).",
        [
            (
                "A bout of static stretching increases joint range of motion and reduces "
                "passive muscle–tendon stiffness for up to an hour (10.5555/demo.2016.403).",
                SUPPORTED,
                [sprinters],
            ),
            (
                "A less stiff muscle–tendon unit absorbs more energy before strain injury.",
                HYPOTHESIS,
                [],
            ),
            (
                "Stretching before exercise therefore lowers the overall rate of injuries "
                "(10.5555/demo.2017.401, 10.5555/demo.2019.402).",
                CONTRADICTED,
                [recruits, football],
                CONTRADICTED_REASON,
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Protection against muscle strains specifically",
        "Stretching might not prevent injuries in general but could still reduce strains in "
        "sprint-heavy sports, where muscles work at long lengths at high speed "
        "(10.5555/demo.2016.403).",
        "Stretching might help only against pulled muscles in sports with a lot of sprinting, "
        "not against sprained ankles or overuse injuries.",
        [
            (
                "Hamstring strains occur during late swing, when the muscle is lengthening "
                "at high speed (10.5555/demo.2016.403).",
                SUPPORTED,
                [sprinters],
            ),
            (
                "Greater pre-exercise hamstring flexibility lowers strain risk in sprinters "
                "(10.5555/demo.2016.403).",
                SUPPORTED,
                [sprinters],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "A meta-analysis of randomised trials that separates static stretching from the "
        "rest of the warm-up.",
        population="Athletes and military recruits in randomised trials of warm-up routines.",
        comparison="Warm-up with static stretching versus the same warm-up without it.",
        outcome="Injury incidence per 1000 hours of exposure, all injuries and muscle strains "
        "separately.",
        duration="Trials with at least one season or 10 weeks of follow-up.",
        sample="At least 5000 pooled participants.",
    )
    _gold(
        claim,
        2,
        RCT,
        "A cluster-randomised trial in a sprint-heavy sport.",
        population="Amateur football and rugby teams (players aged 16–35).",
        comparison="Teams randomised to add 5 minutes of static stretching to a standard "
        "dynamic warm-up, or not.",
        outcome="Time-loss muscle strains and all time-loss injuries, recorded by blinded "
        "medical staff.",
        duration="One full season.",
        sample="80 teams, about 2000 players.",
    )
    _gold(
        claim,
        3,
        COHORT,
        "A prospective cohort with measured, not self-reported, stretching and exposure.",
        population="Competitive sprinters and jumpers.",
        comparison="Athletes who habitually stretch before training versus those who do not, "
        "adjusted for training load and previous injury.",
        outcome="Hamstring strain incidence confirmed by MRI.",
        duration="Two seasons.",
        sample="600 athletes.",
    )
    return claim


def _protein_timing_anabolic_window():
    meta = _example(
        "10.5555/demo.2020.501",
        "Protein timing and muscle hypertrophy when total protein intake is matched: a "
        "meta-analysis",
        "Aldridge MT, Kobayashi R, Estévez C",
        2020,
        META,
        EX_NUTRITION,
        478,
        "adults in resistance-training trials (20 trials pooled)",
        LOW,
    )
    trial = _example(
        "10.5555/demo.2018.502",
        "Immediate versus delayed post-exercise protein and ten weeks of hypertrophy in "
        "trained men: a randomised trial",
        "Nyberg HS, Collins AR",
        2018,
        RCT,
        EX_SPORT,
        21,
        "resistance-trained men",
        LOW,
    )
    review = _example(
        "10.5555/demo.2015.503",
        "The post-exercise anabolic window: a narrative review",
        "Grant PL",
        2015,
        MECH,
        EX_NUTRITION,
        None,
        "",
        NOT_ASSESSED,
    )
    claim = _claim(
        "protein-timing-anabolic-window",
        "Eating protein within 30 minutes after resistance training produces more muscle "
        "growth than eating the same total daily protein at other times.",
        ClaimType.CAUSAL,
        ["Nutrition", "Muscle hypertrophy", "Resistance training"],
        "When total daily protein is matched, trials find no extra muscle growth from eating "
        "protein immediately after training (10.5555/demo.2020.501, 10.5555/demo.2018.502). "
        'The idea of a narrow "anabolic window" comes mainly from narrative reviews of acute '
        "studies (10.5555/demo.2015.503).",
    )
    _evidence(
        claim,
        meta,
        CONTRADICTS,
        "Protein timing had an apparent effect on hypertrophy only in trials where the timed "
        "group also ate more protein; with total intake matched the effect was close to zero "
        "(10.5555/demo.2020.501).",
    )
    _evidence(
        claim,
        trial,
        CONTRADICTS,
        "25 g of whey immediately after training or three hours later gave the same gains in "
        "muscle thickness and strength over ten weeks (10.5555/demo.2018.502).",
    )
    _evidence(
        claim,
        review,
        SUPPORTS,
        "Argues from acute studies that muscle protein synthesis responds best to protein "
        "eaten soon after exercise (10.5555/demo.2015.503).",
    )
    _mechanism(
        claim,
        1,
        "A short post-exercise window of amino-acid sensitivity",
        "Resistance exercise sensitises muscle to amino acids. If that sensitivity lasted "
        "only about 30 minutes, protein eaten inside the window would build more muscle than "
        "the same protein eaten later (10.5555/demo.2015.503).",
        "Training makes muscles extra ready to use protein. The claim says this only lasts "
        "half an hour, but it actually lasts a day or more, so when you eat matters much less "
        "than how much (10.5555/demo.2020.501).",
        [
            (
                "Resistance exercise increases the response of muscle protein synthesis to "
                "ingested amino acids (10.5555/demo.2015.503).",
                LIMITED,
                [review],
            ),
            (
                "That heightened sensitivity lasts only about 30–60 minutes after the "
                "session (10.5555/demo.2018.502).",
                CONTRADICTED,
                [trial],
                CONTRADICTED_REASON,
            ),
            (
                "Protein eaten inside the window therefore adds muscle beyond what the same "
                "daily total provides (10.5555/demo.2020.501, 10.5555/demo.2018.502).",
                CONTRADICTED,
                [meta, trial],
                CONTRADICTED_REASON,
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Less muscle protein breakdown after training",
        "Protein and the insulin it releases after training could reduce muscle protein "
        "breakdown, improving net balance in the hours after the session.",
        "Eating after training might slow the breakdown of muscle protein a little, but the "
        "effect looks too small to matter over weeks.",
        [
            (
                "A post-exercise meal raises insulin, which suppresses muscle protein "
                "breakdown (10.5555/demo.2015.503).",
                LIMITED,
                [review],
            ),
            (
                "This reduction in breakdown is large enough to change hypertrophy over weeks "
                "of training.",
                HYPOTHESIS,
                [],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "A meta-analysis restricted to trials that match total daily protein.",
        population="Adults in resistance-training trials.",
        comparison="Protein within 1 hour after training versus at least 3 hours before or "
        "after, with total daily protein matched.",
        outcome="Change in lean mass (DXA) or muscle cross-sectional area.",
        duration="Trials of at least 8 weeks.",
        sample="At least 15 trials and 500 pooled participants.",
    )
    _gold(
        claim,
        2,
        RCT,
        "A controlled-feeding randomised trial.",
        population="Resistance-trained men and women aged 18–40.",
        comparison="40 g protein within 30 minutes after training versus the same 40 g "
        "4 hours later, all meals provided, 1.6 g/kg/day protein in both groups.",
        outcome="Change in vastus lateralis cross-sectional area by MRI and in "
        "one-repetition maximum.",
        duration="12 weeks.",
        sample="80 participants.",
    )
    _gold(
        claim,
        3,
        MECH,
        "A stable-isotope study of how long the window lasts.",
        population="Healthy young adults.",
        comparison="Protein feeding at 0, 3, 6 and 24 hours after a bout of resistance exercise.",
        outcome="Myofibrillar protein synthesis rate by muscle biopsy and tracer infusion.",
        duration="Four acute trials.",
        sample="32 participants.",
    )
    return claim


def _nitrate_sprint_female_athletes():
    mice = _example(
        "10.5555/demo.2017.601",
        "Dietary nitrate increases contractile force in fast-twitch muscle of female mice",
        "Hoshino K, Bergström E, Lawal AO",
        2017,
        ANIMAL,
        EX_SPORT,
        None,
        "female mice",
        LOW,
    )
    review = _example(
        "10.5555/demo.2020.602",
        "Nitrate supplementation in female athletes: a narrative review of a neglected question",
        "Quinn SE, Barros MF",
        2020,
        MECH,
        EX_NUTRITION,
        None,
        "",
        NOT_ASSESSED,
    )
    retracted = _example(
        "10.5555/demo.2019.603",
        "Beetroot juice improves repeated-sprint power in female hockey players: a "
        "randomised crossover trial",
        "Varga E, Holloway JC",
        2019,
        RCT,
        EX_SPORT,
        14,
        "female field-hockey players",
        LOW,
        retracted=True,
        retraction_note="Retracted in 2021 (example): the journal could not verify the "
        "power-output data.",
    )
    claim = _claim(
        "nitrate-sprint-female-athletes",
        "Drinking nitrate-rich beetroot juice before training improves repeated-sprint "
        "performance in female team-sport athletes.",
        ClaimType.INTERVENTIONAL,
        ["Supplements", "Sprint performance", "Female athletes"],
        "Almost no evidence in women: a mouse study suggests nitrate strengthens fast-twitch "
        "muscle (10.5555/demo.2017.601), and the only trial in female players has been "
        "retracted (10.5555/demo.2019.603).",
    )
    _evidence(
        claim,
        mice,
        SUPPORTS,
        "A week of nitrate in drinking water increased the force of fast-twitch muscle in "
        "female mice; slow-twitch muscle was unchanged (10.5555/demo.2017.601).",
    )
    _evidence(
        claim,
        review,
        SUPPORTS,
        "Finds the rationale plausible but identifies no well-conducted trial in female "
        "athletes (10.5555/demo.2020.602).",
    )
    _evidence(
        claim,
        retracted,
        SUPPORTS,
        "Reported higher peak power across ten sprints after beetroot juice. **Retracted**: "
        "it counts zero towards the tally (10.5555/demo.2019.603).",
    )
    _mechanism(
        claim,
        1,
        "Nitric oxide and fast-twitch calcium handling",
        "Dietary nitrate is reduced to nitrite and then to nitric oxide, which in animal "
        "muscle increases calcium release in fast-twitch fibres and so their force. Whether "
        "this happens in women's muscle, and helps repeated sprints, is untested "
        "(10.5555/demo.2017.601).",
        "Beetroot juice is full of nitrate, which the body turns into nitric oxide. In mice "
        "this makes fast muscle fibres stronger; nobody has properly checked whether it "
        "helps women sprint.",
        [
            (
                "Ingested nitrate is reduced to nitrite by oral bacteria and then to nitric "
                "oxide in the body (10.5555/demo.2020.602).",
                LIMITED,
                [review],
            ),
            (
                "Nitric oxide increases calcium release and force in type II muscle fibres "
                "(10.5555/demo.2017.601).",
                LIMITED,
                [mice],
            ),
            (
                "Stronger type II fibres improve repeated-sprint power in female athletes.",
                HYPOTHESIS,
                [],
            ),
        ],
    )
    _gold(
        claim,
        1,
        RCT,
        "A double-blind, placebo-controlled crossover trial in female players.",
        population="Female team-sport athletes aged 18–35, with menstrual-cycle phase "
        "recorded and controlled.",
        comparison="Nitrate-rich beetroot juice (about 12 mmol nitrate) versus "
        "nitrate-depleted juice, 2.5 hours before testing.",
        outcome="Mean and peak power over 10 × 6-second cycle sprints.",
        duration="Two test days, one week apart.",
        sample="40 participants.",
    )
    _gold(
        claim,
        2,
        MECH,
        "A mechanistic study in human muscle.",
        population="Female athletes.",
        comparison="One week of nitrate versus placebo.",
        outcome="Force of electrically evoked contractions and calcium-handling proteins "
        "in muscle biopsies.",
        duration="Two 1-week phases.",
        sample="16 participants.",
    )
    return claim


def _grip_strength_mortality():
    cohort = _example(
        "10.5555/demo.2016.701",
        "Grip strength and mortality in a national cohort of middle-aged and older adults",
        "Eriksen TB, Mahlangu S, Park JH",
        2016,
        COHORT,
        EX_EPI,
        86000,
        "adults aged 40–80 followed for a median of 9 years",
        LOW,
    )
    meta = _example(
        "10.5555/demo.2022.702",
        "Handgrip strength and all-cause mortality: a meta-analysis of prospective cohorts",
        "Castellanos IR, Whyte BM",
        2022,
        META,
        EX_EPI,
        1900000,
        "adults in 38 prospective cohorts",
        SOME,
    )
    oldest = _example(
        "10.5555/demo.2020.703",
        "Grip strength and survival in the oldest old after adjustment for comorbidity",
        "Bianchi F, Osei-Bonsu K",
        2020,
        COHORT,
        EX_EPI,
        850,
        "adults aged 85 and over",
        HIGH,
    )
    claim = _claim(
        "grip-strength-mortality",
        "In middle-aged and older adults, weaker grip strength is associated with a higher "
        "risk of death from any cause.",
        ClaimType.ASSOCIATIONAL,
        ["Strength", "Mortality", "Ageing"],
        "Large cohorts and a meta-analysis of 38 cohorts find higher all-cause mortality in "
        "people with weaker grip (10.5555/demo.2016.701, 10.5555/demo.2022.702). It is an "
        "association: grip strength may mark overall health rather than cause it.",
    )
    _evidence(
        claim,
        cohort,
        SUPPORTS,
        "Each 5-kg lower grip strength was associated with about 16 % higher all-cause "
        "mortality, after adjustment for age, sex, smoking and chronic disease "
        "(10.5555/demo.2016.701).",
    )
    _evidence(
        claim,
        meta,
        SUPPORTS,
        "The weakest third had about 40 % higher mortality than the strongest third; "
        "heterogeneity was high and adjustment varied between cohorts "
        "(10.5555/demo.2022.702).",
    )
    _evidence(
        claim,
        oldest,
        CONTRADICTS,
        "In adults over 85 the association disappeared after adjustment for comorbidity; "
        "follow-up was incomplete (10.5555/demo.2020.703).",
    )
    _mechanism(
        claim,
        1,
        "Grip strength as a marker of whole-body strength and fitness",
        "Grip strength tracks whole-body muscle strength, which reflects physical activity, "
        "muscle mass and metabolic health; these in turn lower the risk of death "
        "(10.5555/demo.2016.701).",
        "A strong grip usually means strong muscles everywhere and an active life, and those "
        "protect health (10.5555/demo.2022.702).",
        [
            (
                "Grip strength correlates with lower-limb and whole-body strength "
                "(10.5555/demo.2016.701).",
                SUPPORTED,
                [cohort],
            ),
            (
                "Greater muscle strength and mass improve glucose handling and resilience to "
                "illness (10.5555/demo.2022.702).",
                SUPPORTED,
                [meta],
            ),
            (
                "Better metabolic health and resilience lower all-cause mortality "
                "(10.5555/demo.2016.701, 10.5555/demo.2022.702).",
                VERIFIED,
                [cohort, meta],
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Reverse causation: illness weakens the grip",
        "Undiagnosed illness both weakens people and shortens their lives, so part of the "
        "association may run from illness to weakness rather than the other way round "
        "(10.5555/demo.2020.703).",
        "People who are already ill get weaker, and they also die sooner, so weak grip may "
        "partly be a sign of illness rather than a cause of death.",
        [
            (
                "Chronic disease and frailty reduce muscle strength (10.5555/demo.2020.703).",
                SUPPORTED,
                [oldest],
            ),
            (
                "The association weakens when deaths in the first years of follow-up are "
                "excluded (10.5555/demo.2016.701).",
                SUPPORTED,
                [cohort],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "An individual-participant meta-analysis of cohorts with harmonised adjustment.",
        population="Adults aged 40 and over in prospective cohorts with measured grip strength.",
        comparison="Sex-specific fifths of grip strength, adjusted for the same set of "
        "confounders and excluding deaths in the first two years.",
        outcome="All-cause mortality.",
        duration="At least 5 years of follow-up.",
        sample="At least 500 000 participants.",
    )
    _gold(
        claim,
        2,
        COHORT,
        "A new prospective cohort with repeated measurements.",
        population="Adults aged 45–75 from the general population.",
        comparison="Grip strength and its change over time, by dynamometer every 3 years.",
        outcome="All-cause and cause-specific mortality from national registries.",
        duration="15 years.",
        sample="50 000 participants.",
    )
    _gold(
        claim,
        3,
        CROSS,
        "A cross-sectional study of what grip strength measures.",
        population="Adults aged 40–80.",
        comparison="Grip strength against leg strength, muscle mass, fitness and markers of "
        "disease.",
        outcome="Correlations and variance explained.",
        duration="One visit.",
        sample="3000 participants.",
    )
    return claim


def _adults_muscle_strengthening():
    national = _example(
        "10.5555/demo.2021.801",
        "Prevalence of meeting the muscle-strengthening guideline among adults: analysis of a "
        "national health survey",
        "Harrington LK, Duarte MC, Ng SY",
        2021,
        CROSS,
        EX_EPI,
        312000,
        "adults aged 18 and over in a national health survey",
        LOW,
    )
    european = _example(
        "10.5555/demo.2019.802",
        "Muscle-strengthening activity among adults in four European countries",
        "Van Dijk R, Kowalski A",
        2019,
        CROSS,
        EX_EPI,
        1200,
        "adults aged 18–74 from four countries",
        SOME,
    )
    urban = _example(
        "10.5555/demo.2023.803",
        "Strength-training participation among adults in a metropolitan sample",
        "Mendes JP, Fairweather H",
        2023,
        CROSS,
        EX_EPI,
        800,
        "adults aged 18–65 living in one large city",
        SOME,
    )
    claim = _claim(
        "adults-muscle-strengthening",
        "Fewer than one in three adults do muscle-strengthening activities on two or more days "
        "a week, as physical-activity guidelines recommend.",
        ClaimType.DESCRIPTIVE,
        ["Physical activity", "Public health", "Resistance training"],
        "A large national survey puts the share of adults meeting the muscle-strengthening "
        "guideline at about a quarter (10.5555/demo.2021.801). An urban sample found a higher "
        "share (10.5555/demo.2023.803), so the figure may vary by setting.",
    )
    _evidence(
        claim,
        national,
        SUPPORTS,
        "26 % of adults reported muscle-strengthening activity on two or more days a week, "
        "falling to 17 % over age 65 (10.5555/demo.2021.801).",
    )
    _evidence(
        claim,
        european,
        SUPPORTS,
        "Between 17 % and 31 % met the guideline, depending on the country; response rates "
        "were low (10.5555/demo.2019.802).",
    )
    _evidence(
        claim,
        urban,
        CONTRADICTS,
        "41 % of adults in one large city met the guideline; the sample was recruited online "
        "and younger than the population (10.5555/demo.2023.803).",
    )
    _mechanism(
        claim,
        1,
        "Low awareness and practical barriers",
        "Public messages about activity focus on walking and aerobic exercise, so many adults "
        "do not know a strengthening guideline exists, and those who do report lack of time, "
        "equipment or confidence (10.5555/demo.2021.801).",
        "Most people have heard they should walk more but not that they should also do "
        "strength exercises twice a week, and many think they need a gym for it "
        "(10.5555/demo.2019.802).",
        [
            (
                "Most adults cannot name the muscle-strengthening part of the guidelines "
                "(10.5555/demo.2019.802).",
                SUPPORTED,
                [european],
            ),
            (
                "Lack of time, access to equipment and confidence are the barriers adults "
                "report most often (10.5555/demo.2021.801, 10.5555/demo.2019.802).",
                VERIFIED,
                [national, european],
            ),
            (
                "Participation falls with age and with lower income and education "
                "(10.5555/demo.2021.801).",
                SUPPORTED,
                [national],
            ),
        ],
    )
    _mechanism(
        claim,
        2,
        "Self-report overstates participation",
        "Surveys rely on self-report, which tends to overstate activity; the true share "
        "meeting the guideline may be even lower than surveys suggest.",
        "People tend to remember doing more exercise than they did, so the real number is "
        "probably lower still.",
        [
            (
                "Self-reported physical activity exceeds device-measured activity "
                "(10.5555/demo.2023.803).",
                SUPPORTED,
                [urban],
            ),
            (
                "The same over-reporting applies to muscle-strengthening sessions.",
                HYPOTHESIS,
                [],
            ),
        ],
    )
    _gold(
        claim,
        1,
        META,
        "A meta-analysis of nationally representative surveys with a common definition.",
        population="Adults aged 18 and over in probability samples from many countries.",
        comparison="Prevalence by country, age group and sex, using one definition of "
        "meeting the guideline.",
        outcome="Pooled share of adults doing muscle-strengthening activity on ≥ 2 days a week.",
        duration="Surveys from the last 10 years.",
        sample="At least 20 surveys and 1 000 000 respondents.",
    )
    _gold(
        claim,
        2,
        COHORT,
        "A panel study with repeated activity diaries.",
        population="A probability sample of adults aged 18 and over.",
        comparison="Participation across seasons and years, by age, sex and income.",
        outcome="Share of adults with ≥ 2 strengthening days a week in 7-day diaries.",
        duration="3 years, four diary weeks a year.",
        sample="10 000 participants.",
    )
    _gold(
        claim,
        3,
        CROSS,
        "A validation survey comparing self-report with diaries and wearables.",
        population="Adults aged 18–75 from the general population.",
        comparison="Survey answers versus a 7-day diary and a wrist-worn device that detects "
        "resistance exercise.",
        outcome="Agreement between methods and corrected prevalence.",
        duration="One week.",
        sample="2000 participants.",
    )
    return claim


# --- users -------------------------------------------------------------------------------------


# --- effect sizes: a claim whose studies report their effect (the forest plot) ------------------


def _effect(evidence, outcome, measure, **numbers):
    """Give a demo evidence link its study's effect (issue 21), then save it."""
    evidence.effect_outcome = outcome
    evidence.effect_measure = measure
    for name, value in numbers.items():
        setattr(evidence, f"effect_{name}", value)
    evidence.full_clean()
    evidence.save()
    return evidence


def _heavy_loads_maximal_strength():
    """Seven trials of heavy against light loads, with effect sizes: a clear pooled effect,
    real heterogeneity, one retracted trial and one trial at high risk of bias."""
    outcome = "one-repetition-maximum strength gain"
    trials = [
        # doi, authors, year, n, risk, stance, finding, effect
        (
            "10.5555/demo.2012.901",
            "Alvarez MJ, Quist HB",
            2012,
            24,
            LOW,
            SUPPORTS,
            "Squat 1RM rose 22 kg with heavy loads against 14 kg with light loads over 10 "
            "weeks (10.5555/demo.2012.901).",
            {"mean_1": 22.0, "sd_1": 6.0, "n_1": 12, "mean_2": 14.0, "sd_2": 7.0, "n_2": 12},
        ),
        (
            "10.5555/demo.2014.902",
            "Bergstrom LK, Aho P, Nwosu CE",
            2014,
            40,
            SOME,
            SUPPORTS,
            "A small advantage for heavy loads that the trial could not separate from chance "
            "(10.5555/demo.2014.902).",
            {"estimate": 0.35, "ci_low": -0.27, "ci_high": 0.97},
        ),
        (
            "10.5555/demo.2016.903",
            "Chen Y, Marlow TD",
            2016,
            60,
            LOW,
            SUPPORTS,
            "Bench-press 1RM gains were larger with 80 % than with 40 % of 1RM "
            "(10.5555/demo.2016.903).",
            {"mean_1": 18.5, "sd_1": 5.5, "n_1": 30, "mean_2": 16.0, "sd_2": 6.0, "n_2": 30},
        ),
        (
            "10.5555/demo.2017.904",
            "Dubois A, Keller F, Mensah K",
            2017,
            32,
            HIGH,
            SUPPORTS,
            "Unblinded assessors recorded much larger 1RM gains with heavy loads "
            "(10.5555/demo.2017.904).",
            {"estimate": 0.95, "ci_low": 0.22, "ci_high": 1.68},
        ),
        (
            "10.5555/demo.2019.905",
            "Eriksen SV, Holt MA",
            2019,
            80,
            LOW,
            CONTRADICTS,
            "In older adults, light loads to failure matched heavy loads for 1RM gains "
            "(10.5555/demo.2019.905).",
            {"estimate": -0.3, "ci_low": -0.74, "ci_high": 0.14},
        ),
        (
            "10.5555/demo.2021.906",
            "Fofanah IB, Ruiz C",
            2021,
            50,
            SOME,
            SUPPORTS,
            "Trained men gained 25 kg on the squat with heavy loads against 17 kg with light "
            "loads (10.5555/demo.2021.906).",
            {"mean_1": 25.0, "sd_1": 8.0, "n_1": 25, "mean_2": 17.0, "sd_2": 9.0, "n_2": 25},
        ),
        (
            "10.5555/demo.2022.907",
            "Greco P, Lund T",
            2022,
            36,
            LOW,
            SUPPORTS,
            "Reported very large gains with heavy loads; the paper was later retracted "
            "(10.5555/demo.2022.907).",
            {"estimate": 1.6, "ci_low": 0.85, "ci_high": 2.35},
        ),
    ]
    claim = _claim(
        "heavy-loads-maximal-strength",
        "Training with heavy loads (about 80 % of one-repetition maximum or more) increases "
        "maximal strength more than training with light loads.",
        ClaimType.INTERVENTIONAL,
        ["Resistance training", "Strength"],
        "Most randomised trials find larger one-repetition-maximum gains with heavy loads "
        "(10.5555/demo.2016.903, 10.5555/demo.2021.906); in older adults light loads taken "
        "to failure kept up (10.5555/demo.2019.905).",
    )
    studies = []
    for doi, authors, year, n, risk, stance, finding, numbers in trials:
        study = _example(
            doi,
            f"Heavy versus light loads for maximal strength: a randomised trial ({year})",
            authors,
            year,
            RCT,
            EX_SPORT,
            n,
            "adults in a supervised resistance-training programme",
            risk,
            retracted=doi == "10.5555/demo.2022.907",
        )
        _effect(_evidence(claim, study, stance, finding), outcome, "smd", **numbers)
        studies.append(study)
    _mechanism(
        claim,
        1,
        "Practice at heavy loads trains the nervous system for maximal lifts",
        "Maximal strength is a skill as well as muscle size: lifting near-maximal loads "
        "recruits the largest motor units and rehearses the exact task a one-repetition "
        "maximum tests (10.5555/demo.2016.903).",
        "Lifting heavy is practice for lifting heavy: the body learns to switch on more of "
        "the muscle at once (10.5555/demo.2016.903).",
        [
            (
                "Heavy loads recruit high-threshold motor units from the first repetition "
                "(10.5555/demo.2016.903).",
                SUPPORTED,
                [studies[2]],
            ),
            (
                "Repeated maximal efforts improve neural drive and coordination for that "
                "lift (10.5555/demo.2021.906).",
                SUPPORTED,
                [studies[5]],
            ),
        ],
    )
    return claim


def _users():
    User = get_user_model()
    editor = User.objects.create_user(
        "editor", email="editor@example.org", password=DEMO_PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    User.objects.create_user("member", email="member@example.org", password=DEMO_PASSWORD)
    return editor


def create_demo_data():
    """Build all demo data on an empty, migrated database."""
    with transaction.atomic():
        editor = _users()
        for build in (
            _creatine_strength_gains,
            _grip_strength_mortality,
            _low_dose_caffeine_time_trial,
            _adults_muscle_strengthening,
            _fasted_cardio_fat_loss,
            _static_stretching_injury,
            _protein_timing_anabolic_window,
            _nitrate_sprint_female_athletes,
            _heavy_loads_maximal_strength,
        ):
            publish_analysis(claim=build(), by=editor, note="First published analysis.")
        # Last, so that it heads the "recently published" listing.
        _quadriceps_proximity_to_failure(editor)
        _literature_candidates()


# --- living evidence ---------------------------------------------------------------------------


def _literature_candidates():
    """New studies waiting to be screened on the reference claim, as watch_literature would
    have found them (invented, 10.5555 DOIs, "Example" journals), so the screening page and
    the claim's "Literature checked" line have something to show."""
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    found = [
        (
            "10.5555/demo.2026.901",
            "Proximity to failure and regional quadriceps hypertrophy: a systematic review and "
            "meta-analysis of randomised trials",
            "Okafor J, Lindqvist E, Tan WL",
            "review",
            "cites Refalo et al., 2024",
            "Twelve randomised trials (n = 318) compared training to failure with training short "
            "of failure. Vastus lateralis growth did not differ; rectus femoris growth favoured "
            "failure in trained participants.",
        ),
        (
            "10.5555/demo.2026.902",
            "Rectus femoris and vastus lateralis growth after training with 0 or 3 repetitions "
            "in reserve: a within-subject randomized controlled trial",
            "Marsh A, Petrovic D",
            "article",
            "cites Refalo et al., 2024; matches the search",
            "Twenty-four trained adults trained one leg to failure and the other with three "
            "repetitions in reserve for ten weeks. Both muscles grew similarly in both legs.",
        ),
        (
            "10.5555/demo.2026.903",
            "Knee-extension exercise selection in recreational lifters: an online survey",
            "Brandt S",
            "article",
            "matches the search",
            "",
        ),
    ]
    for doi, title, authors, work_type, found_by, abstract in found:
        Candidate.objects.create(
            claim=claim,
            doi=doi,
            title=title,
            authors=authors,
            year=2026,
            journal=EX_SPORT,
            work_type=work_type,
            abstract=abstract,
            found_by=found_by,
            cites_count=1 if found_by.startswith("cites") else 0,
        )
    claim.literature_query = "proximity to failure quadriceps hypertrophy"
    claim.save(update_fields=["literature_query"])
    claim.literature_checked_at = timezone.now()
    refresh_status(claim)
