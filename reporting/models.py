"""Incident reports and monthly reports (issues #5 and #6).

Depends on `inspections` and `safety`.
"""
