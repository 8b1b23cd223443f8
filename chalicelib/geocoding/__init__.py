"""Geocoders: where a place a patient typed ("NW4 1RP", "M1", "Bury St Edmunds") is.

``offline`` answers from a table shipped in this package; the adapter
``chalicelib.adapters.location_geocoder`` asks Amazon Location Service; ``chain`` tries
one, then the other. Each implements :class:`chalicelib.search.ports.Geocoder`.
"""
