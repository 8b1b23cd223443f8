"""Where the search analytics go in production: the api's UBI log lines, through a
CloudWatch Logs subscription and a Firehose stream, to S3 in date partitions, read with Athena.

- The subscription filter passes only the analytics lines (``{"ubi": "query" | "event", ...}``,
  a JSON object per line on the api's log group) to the stream, with a role that may only put
  records to it.
- The stream decompresses CloudWatch Logs' gzipped envelopes and keeps each log event's message
  (Firehose's own processors, no transform function), partitions on the line's ``ubi`` field
  (jq) and writes gzipped JSON lines under ``ubi/<query|event>/yyyy/MM/dd/``; its role may
  write those prefixes and its error prefix only.
- The bucket (encrypted, private, TLS only) keeps everything 13 months (396 days), Athena's
  results 30 days.
- Glue tables ``ubi_queries`` and ``ubi_events`` over the two prefixes, with the date projected
  (no crawler, no partitions to add), and saved queries for the weekly report in a workgroup
  whose results stay in the bucket (``infra/analytics_sql.py``).
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.analytics_sql import COLUMNS, PARTITION, PARTITION_FORMAT, SAVED_QUERIES, TABLES
from infra.buckets import private_bucket

RETENTION_DAYS = 396  # 13 months
RESULTS_RETENTION_DAYS = 30
RECORDS_PREFIX = "ubi/"
ERRORS_PREFIX = "errors/"
RESULTS_PREFIX = "athena-results/"
# Dynamic partitioning needs a buffer of at least 64 MiB; the interval bounds the delay.
BUFFER_MB = 64
BUFFER_SECONDS = 300
# A runaway query stops at 10 GB scanned (a year of records is far less).
SCAN_LIMIT_BYTES = 10 * 1024**3


def filter_pattern() -> str:
    """The subscription's filter: JSON log lines whose ``ubi`` is one of the record kinds."""
    return "{ " + " || ".join(f'($.ubi = "{kind}")' for kind in TABLES) + " }"


def record_prefix(kind: str) -> str:
    """Where Firehose writes one kind's lines, before the date (``yyyy/MM/dd/``)."""
    return f"{RECORDS_PREFIX}{kind}/"


class SearchAnalytics(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source: logs.ILogGroup,
        name: str,
        log_retention: logs.RetentionDays,
        retain: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY
        self.bucket = private_bucket(
            self,
            "Records",
            retain=retain,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-after-13-months",
                    expiration=Duration.days(RETENTION_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="expire-query-results",
                    prefix=RESULTS_PREFIX,
                    expiration=Duration.days(RESULTS_RETENTION_DAYS),
                ),
            ],
        )
        self.stream = self._stream(name, log_retention, removal)
        self._subscribe(source)
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=Aws.ACCOUNT_ID,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=name.replace("-", "_") + "_search_analytics",
                description="Search analytics (UBI queries and events) delivered from the api's log",
            ),
        )
        self.tables = {kind: self._table(kind, table) for kind, table in TABLES.items()}
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=f"{name}-search-analytics",
            description="The weekly search-quality figures; results stay in the analytics bucket",
            recursive_delete_option=not retain,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=SCAN_LIMIT_BYTES,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.bucket.bucket_name}/{RESULTS_PREFIX}",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )
        for query in SAVED_QUERIES:
            named = athena.CfnNamedQuery(
                self,
                query.construct_id,
                name=query.name,
                description=query.description,
                database=self.database.ref,
                work_group=self.workgroup.ref,
                query_string=query.sql,
            )
            for table in self.tables.values():
                named.add_dependency(table)

    def _stream(
        self, name: str, log_retention: logs.RetentionDays, removal: RemovalPolicy
    ) -> firehose.CfnDeliveryStream:
        errors = logs.LogGroup(self, "DeliveryErrors", retention=log_retention, removal_policy=removal)
        errors_stream = logs.LogStream(self, "DeliveryErrorsS3", log_group=errors, removal_policy=removal)
        role = iam.Role(
            self,
            "DeliveryRole",
            assumed_by=iam.ServicePrincipal(
                "firehose.amazonaws.com", conditions={"StringEquals": {"sts:ExternalId": Aws.ACCOUNT_ID}}
            ),
            description="Firehose: write the analytics records' and errors' prefixes of the analytics bucket",
        )
        writable = [self.bucket.arn_for_objects(f"{record_prefix(kind)}*") for kind in TABLES]
        writable.append(self.bucket.arn_for_objects(f"{ERRORS_PREFIX}*"))
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=writable)
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                resources=[self.bucket.bucket_arn],
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["logs:PutLogEvents"], resources=[errors.log_group_arn])
        )
        stream = firehose.CfnDeliveryStream(
            self,
            "Delivery",
            delivery_stream_name=f"{name}-search-analytics",
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
                key_type="AWS_OWNED_CMK"
            ),
            extended_s3_destination_configuration=firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=self.bucket.bucket_arn,
                role_arn=role.role_arn,
                prefix=f"{RECORDS_PREFIX}!{{partitionKeyFromQuery:ubi}}/"
                "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
                error_output_prefix=f"{ERRORS_PREFIX}!{{firehose:error-output-type}}/"
                "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
                compression_format="GZIP",
                buffering_hints=firehose.CfnDeliveryStream.BufferingHintsProperty(
                    size_in_m_bs=BUFFER_MB, interval_in_seconds=BUFFER_SECONDS
                ),
                dynamic_partitioning_configuration=firehose.CfnDeliveryStream.DynamicPartitioningConfigurationProperty(
                    enabled=True
                ),
                processing_configuration=firehose.CfnDeliveryStream.ProcessingConfigurationProperty(
                    enabled=True, processors=_processors()
                ),
                cloud_watch_logging_options=firehose.CfnDeliveryStream.CloudWatchLoggingOptionsProperty(
                    enabled=True, log_group_name=errors.log_group_name, log_stream_name=errors_stream.log_stream_name
                ),
            ),
        )
        stream.node.add_dependency(role.node.find_child("DefaultPolicy"))
        return stream

    def _subscribe(self, source: logs.ILogGroup) -> None:
        role = iam.Role(
            self,
            "SubscriptionRole",
            assumed_by=iam.ServicePrincipal(
                "logs.amazonaws.com",
                conditions={
                    "StringLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:*"}
                },
            ),
            description="CloudWatch Logs: put the api's analytics lines to the analytics stream, nothing else",
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["firehose:PutRecord", "firehose:PutRecordBatch"], resources=[self.stream.attr_arn]
            )
        )
        subscription = logs.CfnSubscriptionFilter(
            self,
            "Subscription",
            log_group_name=source.log_group_name,
            filter_pattern=filter_pattern(),
            destination_arn=self.stream.attr_arn,
            role_arn=role.role_arn,
        )
        subscription.node.add_dependency(role.node.find_child("DefaultPolicy"))

    def _table(self, kind: str, table: str) -> glue.CfnTable:
        location = f"s3://{self.bucket.bucket_name}/{record_prefix(kind)}"
        return glue.CfnTable(
            self,
            f"{kind.capitalize()}Table",
            catalog_id=Aws.ACCOUNT_ID,
            database_name=self.database.ref,
            table_input=glue.CfnTable.TableInputProperty(
                name=table,
                description=f'UBI {kind} records: the api\'s log lines with "ubi": "{kind}"',
                table_type="EXTERNAL_TABLE",
                parameters={
                    "classification": "json",
                    "compressionType": "gzip",
                    "projection.enabled": "true",
                    f"projection.{PARTITION}.type": "date",
                    f"projection.{PARTITION}.format": PARTITION_FORMAT,
                    f"projection.{PARTITION}.range": f"NOW-{RETENTION_DAYS}DAYS,NOW",
                    f"projection.{PARTITION}.interval": "1",
                    f"projection.{PARTITION}.interval.unit": "DAYS",
                    "storage.location.template": location + "${" + PARTITION + "}/",
                },
                partition_keys=[glue.CfnTable.ColumnProperty(name=PARTITION, type="string")],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=location,
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        # A line that is not JSON (it should never be) reads as nulls, not a failed query.
                        parameters={"ignore.malformed.json": "true"},
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in COLUMNS[table]],
                ),
            ),
        )


def _processors() -> list[firehose.CfnDeliveryStream.ProcessorProperty]:
    """Decompress CloudWatch Logs' envelopes, keep each event's message (the log line), read the
    partition key from it, and end each line with a newline (the extracted messages have none)."""

    def processor(kind: str, **parameters: str) -> firehose.CfnDeliveryStream.ProcessorProperty:
        return firehose.CfnDeliveryStream.ProcessorProperty(
            type=kind,
            parameters=[
                firehose.CfnDeliveryStream.ProcessorParameterProperty(parameter_name=k, parameter_value=v)
                for k, v in parameters.items()
            ]
            or None,
        )

    return [
        processor("Decompression", CompressionFormat="GZIP"),
        processor("CloudWatchLogProcessing", DataMessageExtraction="true"),
        processor("MetadataExtraction", MetadataExtractionQuery="{ubi: .ubi}", JsonParsingEngine="JQ-1.6"),
        processor("AppendDelimiterToRecord"),
    ]
