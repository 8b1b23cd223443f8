"""Search relevance, measured: judged queries over the demo catalog, nDCG@10, MRR and the
zero-result rate, for our search and a naive baseline in the same run (``python -m relevance``)."""
