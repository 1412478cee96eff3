"""Door-to-door campaigns: the anonymous encounter log and the figures it gives (docs/campaigns.md)."""
