"""Search analytics: what each search and typeahead answer records (issue 18), without personal data.

``records`` builds the User Behavior Insights records, ``masking`` takes personal data out of
the free text in them, and ``recorder`` sends them through the :class:`~chalicelib.analytics.recorder.AnalyticsSink`
port without ever failing the answer (``docs/analytics.md``).
"""
