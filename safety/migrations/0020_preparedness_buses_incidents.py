from django.db import migrations, models

# Emergency preparedness (issue #14, part 2): the school-bus plan is needed only by schools
# with buses (Organisation.has_school_buses, kept by the school-bus register).


def link(apps, schema_editor):
    Scenario = apps.get_model("safety", "Scenario")
    Scenario.objects.filter(key="traffic_bus").update(buses_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0019_guarding_parent_notice_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="has_school_buses",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Kept by the school-bus register: the school has at least one active bus.",
                verbose_name="has school buses",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="review_flag_key",
            field=models.CharField(
                blank=True,
                help_text="What flagged the plan (for example incident:12), so it flags it only once.",
                max_length=60,
                verbose_name="flagged by",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="review_flag_url",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="link to what flagged it"
            ),
        ),
        migrations.AddField(
            model_name="scenario",
            name="buses_only",
            field=models.BooleanField(
                default=False,
                help_text="Required only of schools with school buses, which also drill it (a bus evacuation) every semester.",
                verbose_name="schools with buses only",
            ),
        ),
        migrations.RunPython(link, migrations.RunPython.noop),
    ]
