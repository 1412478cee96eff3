"""carto-insertion core: actors, validation, geography. Free of Flask and Folium.

Everything here is usable from a notebook or a script; the web app in ``webmap`` is a thin shell.
"""
