"""Monthly safety reports up the chain (issue #6): school reports compiled from the data,
county roll-ups, review, reminders and PDF summaries. See docs/monthly-reports.md."""
