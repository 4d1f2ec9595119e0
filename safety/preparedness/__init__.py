"""Emergency preparedness (应急预案与演练): plans filed with the bureau, the emergency leading
group and teams, drills, their frequency rules, reminders and the bureaus' coverage views."""
