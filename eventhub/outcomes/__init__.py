"""Outcomes of events: the closing report, recommendations and their follow-up, the
document ministries receive, materials and photos (issue 15)."""
