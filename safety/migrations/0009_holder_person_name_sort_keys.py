"""Holders' sort keys read the surname as a surname (曾 zeng, 单 shan, 尉迟 yu chi)."""

from django.db import migrations


def recompute_holder_keys(apps, schema_editor):
    # The function, not a frozen copy: the keys must match what holder_save writes from now on.
    from safety.names import person_name_sort_key

    Holder = apps.get_model("safety", "Holder")
    changed = []
    for holder in Holder.objects.only("pk", "name", "name_sort_key").iterator(chunk_size=2000):
        key = person_name_sort_key(holder.name)
        if key != holder.name_sort_key:
            holder.name_sort_key = key
            changed.append(holder)
    Holder.objects.bulk_update(changed, ["name_sort_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("safety", "0008_letter_event_transition_base")]

    operations = [migrations.RunPython(recompute_holder_keys, migrations.RunPython.noop)]
