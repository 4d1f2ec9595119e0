"""The inspections app's pages, one module per feature: hazards (ledger, detail, report,
photos), hazard_transitions (one POST view per transition), inspections, spot_checks."""
