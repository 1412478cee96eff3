"""The volunteer's pages: search at the door, results list and map, actor fiche."""
