"""The one source of the test personas (STYLE.md) and the small city they live in.

`tests/conftest.py` offers them as the fixtures `city` and `people` (and one fixture per extra
person below); the permission matrix (tests/matrix/world.py) builds the same city and people
with `build_city` and `build_people`. A test that needs someone new adds them here, once.
Units and accounts are made through the services (tests/factories.py).
"""

from __future__ import annotations

from types import SimpleNamespace

from safety.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory

Kind = Organisation.Kind
Role = User.Role

# The personas of STYLE.md, plus the leader of school A (the role that assigns hazards and
# manages the responsibility system inside a school), in the order the matrix lists them.
PERSONAS = (
    "staff_a",
    "leader_a",
    "staff_a2",
    "county_official",
    "other_county_official",
    "city_official",
    "administrator",
    "county_admin",
    # #17: a partner department's liaison officer bound to county A (surroundings only).
    "liaison",
    "anonymous",
)

# name: (username, unit in `build_city`, role). Every test that asks for `people` has these.
PEOPLE = {
    "staff_a": ("alice", "school_a", Role.SCHOOL_STAFF),
    "staff_a2": ("bob", "school_a2", Role.SCHOOL_STAFF),
    "county_official": ("carol", "county_a", Role.BUREAU_OFFICIAL),
    "other_county_official": ("dave", "county_b", Role.BUREAU_OFFICIAL),
    "city_official": ("erin", "city", Role.BUREAU_OFFICIAL),
    "administrator": ("frank", "city", Role.ADMINISTRATOR),
    "county_admin": ("grace", "county_a", Role.ADMINISTRATOR),
    "leader_a": ("henry", "school_a", Role.SCHOOL_LEADER),
    # #17: county A's police liaison officer (department liaison account).
    "liaison": ("lucy", "county_a", Role.DEPARTMENT_LIAISON),
}

# Named people only some tests need; made only when a test asks for them (each is a fixture
# of the same name in tests/conftest.py), so the others' counts of users stay as they are.
EXTRAS = {
    # A second staff member of school A: the owner of school A's hazards.
    "owner_a": ("ivan", "school_a", Role.SCHOOL_STAFF),
    # School B (county B): its staff and its leader.
    "staff_b": ("judy", "school_b", Role.SCHOOL_STAFF),
    "leader_b": ("ivy", "school_b", Role.SCHOOL_LEADER),
    # Staff of the school the city bureau runs directly.
    "staff_city_school": ("mike", "city_school", Role.SCHOOL_STAFF),
}


# #23 the province level: the provincial official above the city of `build_city(province=
# True)`, and the official of a second province (the "outside" of the permission matrix).
PROVINCE_PERSONAS = ("province_official", "other_province_official")
PROVINCE_PEOPLE = {
    "province_official": ("paula", "province", Role.BUREAU_OFFICIAL),
    "other_province_official": ("quinn", "other_province", Role.BUREAU_OFFICIAL),
}


def build_city(*, province: bool = False) -> SimpleNamespace:
    """A small city: two counties, two schools in county A, one in county B, one
    city-direct school. `province=True` (#23): the city belongs to a province (测试省教育厅),
    and a second province with a city of its own stands outside it."""
    top = None
    if province:
        top = OrganisationFactory(name="测试省教育厅", code="100", kind=Kind.PROVINCE)
    city = OrganisationFactory(name="测试市教育局", code="100000", kind=Kind.CITY, parent=top)
    county_a = OrganisationFactory(name="甲区教育局", code="100001", kind=Kind.COUNTY, parent=city)
    county_b = OrganisationFactory(name="乙县教育局", code="100002", kind=Kind.COUNTY, parent=city)
    extra = {}
    if province:
        other = OrganisationFactory(name="另一省教育厅", code="200", kind=Kind.PROVINCE)
        extra = {
            "province": top,
            "other_province": other,
            "other_city": OrganisationFactory(
                name="另一市教育局", code="200100", kind=Kind.CITY, parent=other
            ),
        }
    return SimpleNamespace(
        **extra,
        city=city,
        county_a=county_a,
        county_b=county_b,
        school_a=OrganisationFactory(name="甲区实验小学", parent=county_a),
        school_a2=OrganisationFactory(
            name="甲区第二中学",
            parent=county_a,
            school_type=Organisation.SchoolType.JUNIOR_MIDDLE,
            is_boarding=True,
        ),
        school_b=OrganisationFactory(
            name="乙县中心小学", parent=county_b, locality=Organisation.Locality.RURAL
        ),
        city_school=OrganisationFactory(
            name="测试市第一中学", parent=city, school_type=Organisation.SchoolType.SENIOR_MIDDLE
        ),
    )


def person(city: SimpleNamespace, name: str, **fields) -> User:
    """Create the persona or extra person `name` of `city` (`fields`: e.g. an e-mail)."""
    username, unit, role = PEOPLE.get(name) or PROVINCE_PEOPLE.get(name) or EXTRAS[name]
    return UserFactory(username=username, unit=getattr(city, unit), role=role, **fields)


def build_people(city: SimpleNamespace, *extras: str) -> SimpleNamespace:
    """Every persona of `PEOPLE`, and the `extras` named."""
    return SimpleNamespace(**{name: person(city, name) for name in (*PEOPLE, *extras)})
