"""Maps for the association's website: an iframe whose filters are in its URL, and its builder."""
