"""The field pack: what a tablet needs to keep answering with no network (docs/offline.md)."""
