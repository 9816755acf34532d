"""Schedule the chat queue maintenance (abandonment sweep and rollup refresh) every minute
with django-celery-beat, so a fresh deployment runs it without manual set-up."""

from django.db import migrations

TASK_NAME = "chat.queue_maintenance"
SCHEDULE_NAME = "Chat: køvedlikehold (forlatte samtaler, statistikk)"


def schedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE_NAME, defaults={"task": TASK_NAME, "interval": every_minute, "enabled": True}
    )


def unschedule(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0003_assistant_day_rollups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
