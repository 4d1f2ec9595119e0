import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from demo.generator import Plan, generate
from safety.models import Organisation
from tests.perf.conftest import logged_in

@pytest.mark.django_db
def test_diag():
    generate(Plan(schools=6, years=1, cities=2, seed=7))
    city = Organisation.objects.filter(kind="city").order_by("pk").first()
    client = logged_in("province.official")
    for path in ("/", f"/?county={city.pk}"):
        client.get(path)
        with CaptureQueriesContext(connection) as c:
            client.get(path)
        print("\n=====", path, len(c.captured_queries))
        for q in c.captured_queries:
            print(q["sql"][:230])
