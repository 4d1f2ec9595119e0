"""Incident reports (issue #5): initial, follow-up and written reports, the reporting clocks,
acknowledgement and forwarding, concealment, the four closure items, the one-vote veto and
the incident file (PDF)."""
