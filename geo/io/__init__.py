"""Actors in and out: the curated GeoJSON file, interchange formats, official reference downloads."""
