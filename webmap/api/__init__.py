"""The JSON API, /api/v1: public reads, managers' writes, and its OpenAPI document."""
