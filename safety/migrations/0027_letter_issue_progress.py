# #23: a bulk letter issue shows its progress (status, letters to issue, letters issued).

import django.utils.timezone
from django.db import migrations, models


def existing_requests(apps, schema_editor):
    """Requests made before #23: those done are "done" (at the time they were); the others
    are still queued since they were requested (the sweeper's clock)."""
    LetterIssueRequest = apps.get_model("safety", "LetterIssueRequest")
    LetterIssueRequest.objects.filter(done_at__isnull=False).update(
        status="done", updated_at=models.F("done_at")
    )
    LetterIssueRequest.objects.filter(done_at__isnull=True).update(
        updated_at=models.F("requested_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0026_purge_expired_exports_schedule"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="letterissuerequest",
            name="letter_request_due_idx",
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="attempt",
            field=models.CharField(blank=True, max_length=64, verbose_name="job message"),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="error",
            field=models.TextField(blank=True, verbose_name="error details"),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[
                    ("denied", "no longer allowed"),
                    ("error", "error while issuing the letters"),
                ],
                max_length=8,
                verbose_name="kind of failure",
            ),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="progress",
            field=models.PositiveIntegerField(default=0, verbose_name="letters issued"),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Being issued"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="total",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="letters to issue"
            ),
        ),
        migrations.AddField(
            model_name="letterissuerequest",
            name="updated_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="last progress at"
            ),
        ),
        migrations.AlterField(
            model_name="letterissuerequest",
            name="done_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
        ),
        migrations.AddIndex(
            model_name="letterissuerequest",
            index=models.Index(fields=["status", "updated_at"], name="letter_request_due_idx"),
        ),
        migrations.AddIndex(
            model_name="letterissuerequest",
            index=models.Index(fields=["unit", "status"], name="letter_request_unit_idx"),
        ),
        migrations.RunPython(existing_requests, migrations.RunPython.noop),
    ]
