"""Give every claim saved with an empty slug one made from its statement (issue 16), then
refuse an empty slug in the database itself."""

from django.db import migrations, models

from claims.slugs import slug_from_statement, unique_slug


def give_empty_slugs_one(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    PublishedClaim = apps.get_model("claims", "PublishedClaim")
    for claim in Claim.objects.filter(slug="").order_by("pk"):
        others = Claim.objects.exclude(pk=claim.pk)
        claim.slug = unique_slug(
            slug_from_statement(claim.statement), lambda s, others=others: others.filter(slug=s).exists()
        )
        Claim.objects.filter(pk=claim.pk).update(slug=claim.slug)
        PublishedClaim.objects.filter(claim_id=claim.pk).update(slug=claim.slug)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_following"),
    ]

    operations = [
        migrations.RunPython(give_empty_slugs_one, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug", ""), _negated=True), name="claim_slug_not_empty"
            ),
        ),
    ]
