"""Checklist templates, inspections, hazards and their rectification (issue #4).

Depends on `safety` only; never imports `reporting`.
"""
