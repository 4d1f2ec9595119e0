"""The foreign key to Organisation is called `unit` on every model (issue #12: one name per
concept). State only: the columns keep their name (db_column="organisation_id"), so the
database, its index and its constraints are untouched and no row is rewritten."""

import django.db.models.deletion
from django.db import migrations, models


def unit_field(**extra):
    return models.ForeignKey(
        blank=True,
        db_column="organisation_id",
        null=True,
        related_name="+",
        to="safety.organisation",
        verbose_name="unit",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0012_letter_issue_requests"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveIndex(model_name="user", name="user_org_role_idx"),
                migrations.RenameField("user", "organisation", "unit"),
                migrations.AlterField(
                    model_name="user",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="organisation_id",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="safety.organisation",
                        verbose_name="unit",
                    ),
                ),
                migrations.AddIndex(
                    model_name="user",
                    index=models.Index(fields=["unit", "role"], name="user_org_role_idx"),
                ),
                migrations.RenameField("auditevent", "organisation", "unit"),
                migrations.AlterField(
                    model_name="auditevent",
                    name="unit",
                    field=unit_field(
                        on_delete=django.db.models.deletion.SET_NULL,
                        help_text="The unit whose jurisdiction the change belongs to.",
                    ),
                ),
                migrations.RenameField("notification", "organisation", "unit"),
                migrations.AlterField(
                    model_name="notification",
                    name="unit",
                    field=unit_field(on_delete=django.db.models.deletion.SET_NULL),
                ),
                migrations.RenameField("responsibilitysettings", "organisation", "unit"),
                migrations.AlterField(
                    model_name="responsibilitysettings",
                    name="unit",
                    field=models.OneToOneField(
                        db_column="organisation_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responsibility_settings",
                        to="safety.organisation",
                        verbose_name="bureau",
                    ),
                ),
            ],
        )
    ]
