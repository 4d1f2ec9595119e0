"""The REST API (issue #22): registered clients with hashed bearer tokens, read endpoints
scoped by the same `visible_to` rule as the screens, and report endpoints that call the
screens' services. URL prefix /api/v1/, namespace `api:`."""
