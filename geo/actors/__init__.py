"""Actors: the data·inclusion record, its vocabularies and kinds, validation, duplicates, freshness."""
