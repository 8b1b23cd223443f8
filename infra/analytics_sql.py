"""The search analytics' tables and saved queries, as Athena sees them.

Each delivered line is the api's structured log line, ``{"ubi": "query" | "event", "record":
{...}}`` (the UBI record under ``record``; docs/infra.md, "Search analytics"), so the tables
have the columns ``ubi`` and ``record`` (a struct in the UBI schema) and the partition ``dt``
(``yyyy/MM/dd``, the day Firehose received the line, in UTC). A query reads
``record.query_attributes.total``, and ``record."timestamp"`` (a reserved word, quoted).

``query_attributes.filters`` maps each filter parameter to one value or a list, which no
Hive type describes: it is kept as its JSON text (``json_extract_scalar(record.query_attributes.filters,
'$.specialty')``).

The saved queries give the weekly report's figures from the last seven days (their ``dt``
condition keeps the scan to those partitions); ``python -m relevance.analytics`` gives
the same figures locally.
"""

from __future__ import annotations

from dataclasses import dataclass

QUERIES_TABLE = "ubi_queries"
EVENTS_TABLE = "ubi_events"
# The value of the log line's "ubi" field → the table its records go to.
TABLES = {"query": QUERIES_TABLE, "event": EVENTS_TABLE}
PARTITION = "dt"
PARTITION_FORMAT = "yyyy/MM/dd"

_QUERY_RECORD = (
    "struct<application:string,query_id:string,client_id:string,timestamp:string,user_query:string,"
    "query_attributes:struct<endpoint:string,"
    "interpreted:struct<text:string,parts:array<struct<kind:string,label:string>>>,"
    "relaxed:array<string>,filters:string,total:int,page:int,latency_ms:double,did_you_mean:boolean>,"
    "object_id_field:string,query_response_id:string,query_response_hit_ids:array<string>>"
)
_EVENT_RECORD = (
    "struct<application:string,action_name:string,query_id:string,client_id:string,timestamp:string,"
    "message_type:string,event_attributes:struct<object:struct<object_id:string,object_id_field:string>,"
    "position:struct<ordinal:int>>>"
)
# Table → its columns (name, Hive type), besides the partition.
COLUMNS = {
    QUERIES_TABLE: (("ubi", "string"), ("record", _QUERY_RECORD)),
    EVENTS_TABLE: (("ubi", "string"), ("record", _EVENT_RECORD)),
}

_LAST_WEEK = f"{PARTITION} >= date_format(current_date - interval '7' day, '%Y/%m/%d')"
# A search's first page: what the zero-result and click figures count (a later page is
# the same search read further).
_FIRST_PAGES = f"{_LAST_WEEK} AND record.query_attributes.endpoint = 'search' AND record.query_attributes.page = 1"
# What counts as a click on a result (a typeahead pick is not one).
_CLICKS = "('view_profile', 'book', 'enquire')"


@dataclass(frozen=True)
class SavedQuery:
    construct_id: str
    name: str
    description: str
    sql: str


SAVED_QUERIES = (
    SavedQuery(
        "ZeroResultRate",
        "weekly: zero-result and relaxed rates",
        "Searches (first pages) in the last 7 days, the share that found nothing and the share answered relaxed",
        f"""SELECT count(*) AS searches,
  count_if(record.query_attributes.total = 0) AS zero_result_searches,
  round(CAST(count_if(record.query_attributes.total = 0) AS double) / nullif(count(*), 0), 4) AS zero_result_rate,
  round(CAST(count_if(cardinality(record.query_attributes.relaxed) > 0) AS double) / nullif(count(*), 0), 4)
    AS relaxed_rate
FROM {QUERIES_TABLE}
WHERE {_FIRST_PAGES}""",  # noqa: S608 - Athena SQL from constants
    ),
    SavedQuery(
        "TopZeroResultQueries",
        "weekly: top zero-result queries",
        "The 50 commonest normalised (masked) queries that found nothing in the last 7 days",
        f"""SELECT record.user_query AS user_query, count(*) AS searches
FROM {QUERIES_TABLE}
WHERE {_FIRST_PAGES} AND record.query_attributes.total = 0
GROUP BY record.user_query
ORDER BY searches DESC, user_query
LIMIT 50""",  # noqa: S608 - Athena SQL from constants
    ),
    SavedQuery(
        "ClickThrough",
        "weekly: click-through at 1, 3 and 5",
        "Share of searches (first pages, last 7 days) with a click on a result at position 1, 1-3 and 1-5",
        f"""WITH searches AS (
  SELECT DISTINCT record.query_id AS query_id
  FROM {QUERIES_TABLE}
  WHERE {_FIRST_PAGES}
), best_clicks AS (
  SELECT record.query_id AS query_id, min(record.event_attributes."position".ordinal) AS best
  FROM {EVENTS_TABLE}
  WHERE {_LAST_WEEK} AND record.action_name IN {_CLICKS}
  GROUP BY record.query_id
)
SELECT count(*) AS searches,
  round(CAST(count_if(c.best <= 1) AS double) / nullif(count(*), 0), 4) AS ctr_at_1,
  round(CAST(count_if(c.best <= 3) AS double) / nullif(count(*), 0), 4) AS ctr_at_3,
  round(CAST(count_if(c.best <= 5) AS double) / nullif(count(*), 0), 4) AS ctr_at_5
FROM searches s LEFT JOIN best_clicks c ON c.query_id = s.query_id""",  # noqa: S608 - Athena SQL from constants
    ),
    SavedQuery(
        "SlowestQueries",
        "weekly: slowest queries",
        "The 50 slowest search and typeahead answers of the last 7 days, with the p95 of their endpoint",
        f"""WITH answers AS (
  SELECT record."timestamp" AS answered_at, record.query_attributes.endpoint AS endpoint,
    record.user_query AS user_query, record.query_attributes.latency_ms AS latency_ms,
    record.query_attributes.total AS total
  FROM {QUERIES_TABLE}
  WHERE {_LAST_WEEK}
)
SELECT answered_at, endpoint, user_query, latency_ms, total,
  approx_percentile(latency_ms, 0.95) OVER (PARTITION BY endpoint) AS endpoint_p95_ms
FROM answers
ORDER BY latency_ms DESC
LIMIT 50""",  # noqa: S608 - Athena SQL from constants
    ),
)
