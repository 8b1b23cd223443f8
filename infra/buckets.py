"""The one way this app makes an S3 bucket: private, TLS only, encrypted, owned by the account
(no ACLs), kept or deleted with the stack as the stage says. Each bucket adds its own options
(versioning, lifecycle rules) on top; none can weaken these."""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct


def private_bucket(scope: Construct, construct_id: str, *, retain: bool, **options: Any) -> s3.Bucket:
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        encryption=s3.BucketEncryption.S3_MANAGED,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        **options,
    )
