"""From records to what the user reads: the method measured (progress), what is wrong
(problems), the overview `status` prints, the dashboards rendered and put in place."""
