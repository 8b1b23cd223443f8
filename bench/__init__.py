"""``make bench``: benchmarks on this machine, each figure beside a baseline measured
in the same run, written to ``bench/report.md`` and ``bench/report.json``."""
