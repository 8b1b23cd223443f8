"""Search analytics in production: the api's UBI log lines → subscription filter → Firehose →
S3 in date partitions → Glue tables → Athena's saved queries, and the roles between them.
The lines come from the api's production sink, and the tables' fields are checked against the
local UBI indices' mappings, so production and the local stack keep one schema."""

from __future__ import annotations

import io
import json
import re
from typing import Any, get_args

from chalicelib.adapters.log_analytics_sink import LogAnalyticsSink
from chalicelib.adapters.opensearch_ubi_sink import INDICES, MAPPINGS
from chalicelib.analytics.recorder import RecordKind
from infra.settings import StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import as_list, function_id, statements_of_role

# The schema every helper shares (UBI), as one record of each kind.
QUERY_RECORD: dict[str, Any] = {
    "application": "find-a-specialist",
    "query_id": "6f1c8a52-2d0e-4c47-9b5e-0f4a3c2b1d10",
    "client_id": None,
    "timestamp": "2026-12-05T01:30:00.000Z",
    "user_query": "knee surgeon leeds",
    "query_attributes": {
        "endpoint": "search",
        "interpreted": {"text": "knee", "parts": [{"kind": "specialty", "label": "Orthopaedics"}]},
        "relaxed": ["distance"],
        "filters": {"specialty": "orthopaedics", "language": ["en", "pl"]},
        "total": 0,
        "page": 1,
        "latency_ms": 41.5,
        "did_you_mean": False,
    },
    "object_id_field": "specialist_id",
    "query_response_id": "0d6c3b1e-9a55-4d3e-8f25-5c1f0e7a2b44",
    "query_response_hit_ids": ["sp-1", "sp-2"],
}
EVENT_RECORD: dict[str, Any] = {
    "application": "find-a-specialist",
    "action_name": "view_profile",
    "query_id": "6f1c8a52-2d0e-4c47-9b5e-0f4a3c2b1d10",
    "client_id": "c-3b9e",
    "timestamp": "2026-12-05T01:30:04.120Z",
    "message_type": "INFO",
    "event_attributes": {
        "object": {"object_id": "sp-2", "object_id_field": "specialist_id"},
        "position": {"ordinal": 2},
    },
}


def _logged(kind: RecordKind, record: dict[str, Any]) -> Any:
    """The line the api's production sink writes for ``record``, as CloudWatch Logs parses it."""
    out = io.StringIO()
    LogAnalyticsSink(out).record(kind, record)
    [line] = out.getvalue().splitlines()
    return json.loads(line)


ANALYTICS_LINES = [_logged("query", QUERY_RECORD), _logged("event", EVENT_RECORD)]
OTHER_LINES = [
    # An EMF metrics line, a plain Lambda JSON log line, one quoting an analytics line in its
    # message, an unknown kind, and text.
    {"_aws": {"CloudWatchMetrics": [{"Namespace": "FindASpecialist/Search"}]}, "Searches": 1},
    {"timestamp": "2026-12-05T01:30:00Z", "level": "INFO", "message": "search answered"},
    {"level": "INFO", "message": json.dumps(ANALYTICS_LINES[0])},
    {"ubi": "click", "record": EVENT_RECORD},
    {"record": QUERY_RECORD},
    "ubi query search answered",
]


def _analytics(synthesised: Synthesised, stage: StageName, kind: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    return {
        key: value for key, value in synthesised.resources(stage, kind).items() if key.startswith("Analytics" + prefix)
    }


def _one(synthesised: Synthesised, stage: StageName, kind: str, prefix: str = "") -> tuple[str, dict[str, Any]]:
    found = _analytics(synthesised, stage, kind, prefix)
    assert len(found) == 1, sorted(found)
    key, value = next(iter(found.items()))
    return key, value["Properties"]


def _text(value: Any) -> str:
    """A template string, with ``Fn::Join`` joined and references shown as ``<Ref:id>``."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_text(part) for part in parts)
    if "Ref" in value:
        return f"<Ref:{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    raise AssertionError(value)


def _matches(pattern: str, line: Any) -> bool:
    """CloudWatch Logs' JSON filter semantics for the one shape the pattern may take: a
    disjunction of string equalities on top-level fields. Any other shape fails the test."""
    body = re.fullmatch(r"\{\s*(.+?)\s*\}", pattern)
    assert body, pattern
    terms = [re.fullmatch(r'\(\$\.(\w+) = "([^"*]+)"\)', term.strip()) for term in body[1].split("||")]
    assert all(terms), pattern
    if not isinstance(line, dict):
        return False
    return any(line.get(term[1]) == term[2] for term in terms if term)


def test_the_subscription_sends_only_the_apis_analytics_lines_to_the_stream(
    synthesised: Synthesised, stage: StageName
) -> None:
    _, subscription = _one(synthesised, stage, "AWS::Logs::SubscriptionFilter")
    stream, _ = _one(synthesised, stage, "AWS::KinesisFirehose::DeliveryStream")
    role, _ = _one(synthesised, stage, "AWS::IAM::Role", "SubscriptionRole")
    api = synthesised.templates[stage]["Resources"][function_id(synthesised, stage, "APIHandler")]

    pattern = subscription["FilterPattern"]
    assert {line["ubi"] for line in ANALYTICS_LINES} == set(get_args(RecordKind))
    assert [_matches(pattern, line) for line in ANALYTICS_LINES] == [True, True]
    assert [_matches(pattern, line) for line in OTHER_LINES] == [False] * len(OTHER_LINES)
    assert subscription["LogGroupName"] == api["Properties"]["LoggingConfig"]["LogGroup"]
    assert subscription["DestinationArn"] == {"Fn::GetAtt": [stream, "Arn"]}
    assert subscription["RoleArn"] == {"Fn::GetAtt": [role, "Arn"]}


def test_the_stream_unpacks_cloudwatch_logs_and_partitions_by_kind_and_day(
    synthesised: Synthesised, stage: StageName
) -> None:
    _, stream = _one(synthesised, stage, "AWS::KinesisFirehose::DeliveryStream")
    bucket, _ = _one(synthesised, stage, "AWS::S3::Bucket")
    destination = stream["ExtendedS3DestinationConfiguration"]
    processors = {
        p["Type"]: {q["ParameterName"]: q["ParameterValue"] for q in p.get("Parameters", [])}
        for p in destination["ProcessingConfiguration"]["Processors"]
    }

    assert stream["DeliveryStreamType"] == "DirectPut"
    assert stream["DeliveryStreamEncryptionConfigurationInput"] == {"KeyType": "AWS_OWNED_CMK"}
    assert destination["BucketARN"] == {"Fn::GetAtt": [bucket, "Arn"]}
    assert destination["ProcessingConfiguration"]["Enabled"] is True
    # In this order: gunzip the envelope, keep each event's message, read the key, end the line.
    assert list(processors) == [
        "Decompression",
        "CloudWatchLogProcessing",
        "MetadataExtraction",
        "AppendDelimiterToRecord",
    ]
    assert processors["Decompression"] == {"CompressionFormat": "GZIP"}
    assert processors["CloudWatchLogProcessing"] == {"DataMessageExtraction": "true"}
    assert processors["MetadataExtraction"] == {"MetadataExtractionQuery": "{ubi: .ubi}", "JsonParsingEngine": "JQ-1.6"}
    assert destination["DynamicPartitioningConfiguration"] == {"Enabled": True}
    assert (
        destination["Prefix"] == "ubi/!{partitionKeyFromQuery:ubi}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/"
    )
    assert destination["ErrorOutputPrefix"].startswith("errors/!{firehose:error-output-type}/")
    assert destination["CompressionFormat"] == "GZIP"
    assert destination["BufferingHints"]["SizeInMBs"] >= 64  # dynamic partitioning's minimum
    assert destination["CloudWatchLoggingOptions"]["Enabled"] is True


def test_the_bucket_is_private_encrypted_tls_only_and_forgets_after_13_months(
    synthesised: Synthesised, stage: StageName
) -> None:
    key, bucket = _one(synthesised, stage, "AWS::S3::Bucket")
    _, policy = _one(synthesised, stage, "AWS::S3::BucketPolicy")
    resource = synthesised.templates[stage]["Resources"][key]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}

    everything = rules["expire-after-13-months"]
    assert (everything["ExpirationInDays"], everything["Status"]) == (396, "Enabled")
    assert "Prefix" not in everything  # the whole bucket
    assert "Filter" not in everything
    assert everything["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    assert rules["expire-query-results"]["Prefix"] == "athena-results/"
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert policy["Bucket"] == {"Ref": key}
    [deny] = policy["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Action"]) == ("Deny", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    retained = synthesised.config.stages[stage].retain_data
    assert resource["DeletionPolicy"] == ("Retain" if retained else "Delete")


def _fields(hive_type: str) -> Any:
    """A Hive type as Python: a struct → {field: type}, an array → [type], a primitive → its name."""
    value, rest = _parse(hive_type.replace(" ", ""))
    assert rest == "", rest
    return value


def _parse(text: str) -> tuple[Any, str]:
    if text.startswith("struct<"):
        fields: dict[str, Any] = {}
        text = text[len("struct<") :]
        while True:
            name, text = text.split(":", 1)
            fields[name], text = _parse(text)
            separator, text = text[0], text[1:]
            if separator == ">":
                return fields, text
            assert separator == ",", separator
    if text.startswith("array<"):
        item, text = _parse(text[len("array<") :])
        assert text[0] == ">"
        return [item], text[1:]
    primitive = re.match(r"[a-z]+", text)
    assert primitive
    return primitive[0], text[primitive.end() :]


PRIMITIVES = {"string": (str, type(None)), "int": (int,), "double": (float, int), "boolean": (bool,)}


def _assert_fits(fields: Any, value: Any, path: str) -> None:
    """``value`` has exactly the fields of the type, each of its type."""
    if isinstance(fields, dict):
        assert isinstance(value, dict), path
        assert set(value) == set(fields), (path, sorted(value), sorted(fields))
        for name, field in fields.items():
            _assert_fits(field, value[name], f"{path}.{name}")
    elif isinstance(fields, list):
        assert isinstance(value, list), path
        for item in value:
            _assert_fits(fields[0], item, f"{path}[]")
    else:
        assert isinstance(value, PRIMITIVES[fields]), (path, fields, value)


def _table(synthesised: Synthesised, stage: StageName, name: str) -> dict[str, Any]:
    """The properties of the Glue table called ``name``."""
    found: list[dict[str, Any]] = [
        value["Properties"]
        for value in _analytics(synthesised, stage, "AWS::Glue::Table").values()
        if value["Properties"]["TableInput"]["Name"] == name
    ]
    assert len(found) == 1, name
    return found[0]


def test_the_glue_tables_describe_the_ubi_records_in_their_prefixes(synthesised: Synthesised, stage: StageName) -> None:
    bucket, _ = _one(synthesised, stage, "AWS::S3::Bucket")
    database, _ = _one(synthesised, stage, "AWS::Glue::Database")
    _, stream = _one(synthesised, stage, "AWS::KinesisFirehose::DeliveryStream")
    written = stream["ExtendedS3DestinationConfiguration"]["Prefix"]

    for name, kind, record in (("ubi_queries", "query", QUERY_RECORD), ("ubi_events", "event", EVENT_RECORD)):
        found = _table(synthesised, stage, name)
        table = found["TableInput"]
        columns = {column["Name"]: column["Type"] for column in table["StorageDescriptor"]["Columns"]}
        fields = _fields(columns["record"])
        shaped = json.loads(json.dumps(record))
        if kind == "query":
            # One value or a list per filter: no Hive type fits, so the column keeps the JSON text.
            assert fields["query_attributes"].pop("filters") == "string"
            del shaped["query_attributes"]["filters"]
        parameters = table["Parameters"]
        location = f"s3://<Ref:{bucket}>/" + written.replace("!{partitionKeyFromQuery:ubi}", kind)

        assert found["DatabaseName"] == {"Ref": database}
        assert columns["ubi"] == "string"
        _assert_fits(fields, shaped, name)
        assert table["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
        assert _text(table["StorageDescriptor"]["Location"]) == f"s3://<Ref:{bucket}>/ubi/{kind}/"
        assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
        # The projected location is where Firehose writes, the day in the projection's format.
        assert _text(parameters["storage.location.template"]) == location.replace(
            "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}", "${dt}"
        )
        assert parameters["projection.enabled"] == "true"
        assert (parameters["projection.dt.type"], parameters["projection.dt.format"]) == ("date", "yyyy/MM/dd")
        assert (parameters["projection.dt.interval"], parameters["projection.dt.interval.unit"]) == ("1", "DAYS")
        assert parameters["projection.dt.range"] == "NOW-396DAYS,NOW"


def test_saved_queries_give_the_weekly_figures_from_the_tables(synthesised: Synthesised, stage: StageName) -> None:
    bucket, _ = _one(synthesised, stage, "AWS::S3::Bucket")
    database, _ = _one(synthesised, stage, "AWS::Glue::Database")
    workgroup_id, workgroup = _one(synthesised, stage, "AWS::Athena::WorkGroup")
    queries = {
        value["Properties"]["Name"]: value["Properties"]
        for value in _analytics(synthesised, stage, "AWS::Athena::NamedQuery").values()
    }
    sql = {name: " ".join(query["QueryString"].split()) for name, query in queries.items()}
    last_week = "dt >= date_format(current_date - interval '7' day, '%Y/%m/%d')"
    configuration = workgroup["WorkGroupConfiguration"]

    assert set(sql) == {
        "weekly: zero-result and relaxed rates",
        "weekly: top zero-result queries",
        "weekly: click-through at 1, 3 and 5",
        "weekly: slowest queries",
    }
    for query in queries.values():
        assert (query["Database"], query["WorkGroup"]) == ({"Ref": database}, {"Ref": workgroup_id})
    for text in sql.values():
        assert "FROM ubi_queries" in text
        assert text.count(last_week) == text.count("FROM ubi_"), "each table read is limited to the week's partitions"
    assert "record.query_attributes.total = 0" in sql["weekly: zero-result and relaxed rates"]
    assert "GROUP BY record.user_query" in sql["weekly: top zero-result queries"]
    clicks = sql["weekly: click-through at 1, 3 and 5"]
    assert "FROM ubi_events" in clicks
    assert all(f"count_if(c.best <= {k})" in clicks for k in (1, 3, 5))
    assert "ORDER BY latency_ms DESC" in sql["weekly: slowest queries"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert _text(configuration["ResultConfiguration"]["OutputLocation"]) == f"s3://<Ref:{bucket}>/athena-results/"
    assert configuration["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}
    assert configuration["BytesScannedCutoffPerQuery"] > 0


def _role_grants(synthesised: Synthesised, stage: StageName, role: str) -> dict[str, set[str]]:
    grants: dict[str, set[str]] = {}
    for statement in statements_of_role(synthesised, stage, role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            grants.setdefault(action, set()).update(_text(resource) for resource in as_list(statement["Resource"]))
    return grants


def test_firehose_may_write_only_its_prefixes_and_logs_may_only_put_to_the_stream(
    synthesised: Synthesised, stage: StageName
) -> None:
    bucket, _ = _one(synthesised, stage, "AWS::S3::Bucket")
    stream_id, stream = _one(synthesised, stage, "AWS::KinesisFirehose::DeliveryStream")
    errors, _ = _one(synthesised, stage, "AWS::Logs::LogGroup", "DeliveryErrors")
    delivery, delivery_role = _one(synthesised, stage, "AWS::IAM::Role", "DeliveryRole")
    subscription, subscription_role = _one(synthesised, stage, "AWS::IAM::Role", "SubscriptionRole")
    objects = {f"<{bucket}.Arn>/{prefix}*" for prefix in ("ubi/query/", "ubi/event/", "errors/")}

    assert stream["ExtendedS3DestinationConfiguration"]["RoleARN"] == {"Fn::GetAtt": [delivery, "Arn"]}
    [trust] = delivery_role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "firehose.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}}
    assert _role_grants(synthesised, stage, delivery) == {
        "s3:PutObject": objects,
        "s3:AbortMultipartUpload": objects,
        "s3:GetBucketLocation": {f"<{bucket}.Arn>"},
        "s3:ListBucket": {f"<{bucket}.Arn>"},
        "s3:ListBucketMultipartUploads": {f"<{bucket}.Arn>"},
        "logs:PutLogEvents": {f"<{errors}.Arn>"},
    }
    [trust] = subscription_role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "logs.amazonaws.com"}
    assert _role_grants(synthesised, stage, subscription) == {
        "firehose:PutRecord": {f"<{stream_id}.Arn>"},
        "firehose:PutRecordBatch": {f"<{stream_id}.Arn>"},
    }


def _names(fields: Any) -> Any:
    """A Hive type's field names as a tree (arrays unwrapped, primitives as None)."""
    if isinstance(fields, list):
        return _names(fields[0])
    if isinstance(fields, dict):
        return {name: _names(field) for name, field in fields.items()}
    return None


def _mapped(mapping: dict[str, Any]) -> Any:
    """An OpenSearch mapping's field names as the same tree (a dynamic object is a leaf)."""
    return {name: _mapped(field) if "properties" in field else None for name, field in mapping["properties"].items()}


def test_the_tables_have_the_fields_of_the_local_ubi_indices(synthesised: Synthesised, stage: StageName) -> None:
    tables = {
        value["Properties"]["TableInput"]["Name"]: value["Properties"]["TableInput"]
        for value in _analytics(synthesised, stage, "AWS::Glue::Table").values()
    }

    assert set(tables) == set(INDICES.values())
    for index, mapping in MAPPINGS.items():
        [record] = [c["Type"] for c in tables[index]["StorageDescriptor"]["Columns"] if c["Name"] == "record"]
        assert _names(_fields(record)) == _mapped(mapping), index
