"""The resident's search: nearest relevant actors, eligibility, opening hours, walking time."""
