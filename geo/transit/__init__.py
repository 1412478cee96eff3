"""Public transport door to door: a GTFS feed kept (``feed``), a timetable engine behind one
interface (``engine``), the walks to and from the stops (``door_to_door``), and the trip in words
(``journey``). docs/travel.md says which engine and why."""
