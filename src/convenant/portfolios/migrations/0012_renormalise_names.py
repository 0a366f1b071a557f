"""The normalising rules changed (share classes, legal forms from a maintained list, names
in every script, Holding and Group kept): work the stored names out again."""

from django.db import migrations


def forwards(apps, schema_editor):
    from convenant.portfolios.actions.names import renormalise

    renormalise(apps.get_model("portfolios", "Issuer"), apps.get_model("portfolios", "IssuerAlias"))


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0011_gleif_status")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
