"""Each fund's confirmed names are its own: an alias is unique within the register, or within
one fund, no longer across every fund (a second fund's choice for a name was lost)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0008_import_job_runs_as_core_job"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="issueralias",
            name="alias_unique_per_country",
        ),
        migrations.AddConstraint(
            model_name="issueralias",
            constraint=models.UniqueConstraint(
                condition=models.Q(("learned_from_party__isnull", True)),
                fields=("normalized_name", "country"),
                name="alias_unique_in_register",
            ),
        ),
        migrations.AddConstraint(
            model_name="issueralias",
            constraint=models.UniqueConstraint(
                condition=models.Q(("learned_from_party__isnull", False)),
                fields=("learned_from_party", "normalized_name", "country"),
                name="alias_unique_per_fund",
            ),
        ),
    ]
