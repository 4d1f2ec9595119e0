"""Daily guarding (日常安全防范, issue #15): duty rosters and logs, night patrols, the gate
register, arrival and dismissal duty, boarding pupils' leave and bedtime roll call."""
