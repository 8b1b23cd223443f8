"""Geocoders: where a place a patient typed ("NW4 1RP", "M1", "Bury St Edmunds") is.

``offline`` answers from a table shipped in this package; ``location_service`` asks
Amazon Location Service. Both implement :class:`chalicelib.ports.Geocoder`.
"""
