# Emergency preparedness (issue #14, part 2): the school-bus register tells preparedness
# which schools have an active bus (Organisation.has_school_buses); this computes it for the
# buses registered before the field existed. From now on the register's services keep it.

from django.db import migrations


def compute(apps, schema_editor):
    SchoolBus = apps.get_model("reporting", "SchoolBus")
    Organisation = apps.get_model("safety", "Organisation")
    with_buses = SchoolBus.objects.filter(is_active=True).values("school_id")
    Organisation.objects.filter(pk__in=with_buses).update(has_school_buses=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0011_working_day_deadlines"),
        ("safety", "0020_preparedness_buses_incidents"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop)]
