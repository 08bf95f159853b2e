"""Step provenance (issue 15): each citation of a causal step says what it shows for the step,
and the step's support level follows from that by the rule (mechanisms/support.py), unless an
editor sets one with a reason.

The plain many-to-many table becomes the `StepCitation` model in place (its rows stay), with a
`provenance` column. Existing citations get the provenance their study's design most likely
has; an existing step whose stored level differs from what the rule now gives keeps its level
as an editor's, so no reader sees a label change without a reason.
"""

import django.db.models.deletion
from django.db import migrations, models

PROVENANCE = [
    ("people", "Measured directly in people"),
    ("other_setting", "Measured in another setting (animals, cells, other people)"),
    ("background", "Background"),
]
LEVELS = [
    ("verified", "Verified by multiple studies"),
    ("supported", "Supported by evidence"),
    ("limited", "Limited evidence"),
    ("hypothesis", "Hypothesis"),
    ("contradicted", "Contradicted by evidence"),
]
# As mechanisms/support.py: DEFAULT_PROVENANCE and support_for(), frozen here.
PEOPLE_DESIGNS = {"meta_analysis", "rct", "cohort", "case_control", "cross_sectional", "case_report"}
OTHER_DESIGNS = {"animal", "in_vitro"}
KEPT_REASON = "Set by an editor before support levels followed from the citations."


def provenance_of(design):
    if design in PEOPLE_DESIGNS:
        return "people"
    return "other_setting" if design in OTHER_DESIGNS else "background"


def derived_level(citations):
    counted = [c for c in citations if not c.study.retracted]
    people = sum(c.provenance == "people" for c in counted)
    if people >= 2:
        return "verified"
    if people == 1:
        return "supported"
    return "limited" if counted else "hypothesis"


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    StepCitation = apps.get_model("mechanisms", "StepCitation")
    CausalStep = apps.get_model("mechanisms", "CausalStep")
    for citation in StepCitation.objects.using(db).select_related("study").iterator():
        citation.provenance = provenance_of(citation.study.design)
        citation.save(update_fields=["provenance"])
    for step in CausalStep.objects.using(db).prefetch_related("citations__study").iterator(
        chunk_size=500
    ):
        if step.support_override != derived_level(list(step.citations.all())):
            step.support_override_reason = KEPT_REASON
        else:
            step.support_override = ""
        step.save(update_fields=["support_override", "support_override_reason"])


def backwards(apps, schema_editor):
    CausalStep = apps.get_model("mechanisms", "CausalStep")
    db = schema_editor.connection.alias
    for step in CausalStep.objects.using(db).prefetch_related("citations__study").iterator(
        chunk_size=500
    ):
        if not step.support_override:
            step.support_override = derived_level(list(step.citations.all()))
            step.save(update_fields=["support_override"])


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0005_sample_size_upper_bound"),
        ("mechanisms", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="StepCitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "step",
                            models.ForeignKey(
                                db_column="causalstep_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="mechanisms.causalstep",
                            ),
                        ),
                        (
                            "study",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="step_citations",
                                to="evidence.study",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "mechanisms_causalstep_cited_studies",
                        "unique_together": {("step", "study")},
                    },
                ),
                migrations.AlterField(
                    model_name="causalstep",
                    name="cited_studies",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="cited_in_steps",
                        through="mechanisms.StepCitation",
                        to="evidence.study",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="stepcitation",
            name="provenance",
            field=models.CharField(
                choices=PROVENANCE,
                default="background",
                max_length=20,
                verbose_name="What it shows for the step",
            ),
        ),
        migrations.RenameField(
            model_name="causalstep", old_name="support_level", new_name="support_override"
        ),
        migrations.AlterField(
            model_name="causalstep",
            name="support_override",
            field=models.CharField(
                blank=True,
                choices=LEVELS,
                help_text="Leave empty to use the rule: the level follows from what the cited "
                "studies show for this step.",
                max_length=20,
                verbose_name="Support level set by an editor",
            ),
        ),
        migrations.AddField(
            model_name="causalstep",
            name="support_override_reason",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="Reason for the support level"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
