"""#20 the bureaus' sortable school list (safety.tables.SchoolTable): sorted in the database,
filters kept, phones and schools unchanged."""

from __future__ import annotations

import re

from django.urls import reverse

from safety.models import Organisation


def names_in_table(html: str) -> list[str]:
    table = html.split('id="school-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/schools/\d+/">([^<]+)</a>', table)


def test_a_county_official_sorts_the_school_list_by_students(client_for, city):
    counts = {city.school_a: 900, city.school_a2: 300}
    for school, students in counts.items():
        Organisation.objects.filter(pk=school.pk).update(student_count=students)
    client = client_for("county_official")
    html = client.get(reverse("school_list") + "?sort=-student_count").content.decode()
    assert names_in_table(html) == ["甲区实验小学", "甲区第二中学"]
    html = client.get(reverse("school_list") + "?sort=student_count&q=甲区").content.decode()
    assert names_in_table(html) == ["甲区第二中学", "甲区实验小学"]
    assert "q=%E7%94%B2%E5%8C%BA" in html or "q=甲区" in html  # the sort links keep the search
    assert "显示列" in html and "js/table-columns.js" in html


def test_schools_see_no_bureau_table(client_for):
    html = client_for("leader_a").get(reverse("school_list")).content.decode()
    assert 'id="school-table"' not in html
