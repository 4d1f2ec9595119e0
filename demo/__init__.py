"""Tools, not product (issue #12): the demo city's composition (`manage.py seed_demo`) and
generated cities for performance work (`manage.py generate_city`).

A Django app only so that its management commands are found; it has no models, URLs,
templates or signals. Product apps never import it; it imports them (it writes every app's
tables), so the dependency runs demo → reporting → inspections → safety.
"""
