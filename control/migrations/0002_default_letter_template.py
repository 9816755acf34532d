"""Seed the agency's standard documentation letter, editable in the admin afterwards."""

from django.db import migrations

SLUG = "dokumentasjonskrav-borteboer"


def letter_template_seed(apps, schema_editor):
    # The text lives in the service so the migration and a fresh (flushed) database agree.
    from control.services.casework import DEFAULT_LETTER_BODY, DEFAULT_LETTER_TITLE

    LetterTemplate = apps.get_model("control", "LetterTemplate")
    LetterTemplate.objects.get_or_create(
        slug=SLUG, defaults={"title": DEFAULT_LETTER_TITLE, "language": "nb", "body": DEFAULT_LETTER_BODY}
    )


def letter_template_unseed(apps, schema_editor):
    apps.get_model("control", "LetterTemplate").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("control", "0001_initial")]

    operations = [migrations.RunPython(letter_template_seed, letter_template_unseed)]
