"""Role dashboards (issue #7): the home page of every user. See docs/dashboards.md."""
