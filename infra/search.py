"""The OpenSearch domain: encrypted, HTTPS only, and reachable only by our functions' roles.

The synonyms live in the index settings that the indexer writes
(``chalicelib.index_schema``), so the domain needs no S3 synonym package.
"""

from __future__ import annotations

from aws_cdk import Aws, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from infra.settings import SearchConfig

ENGINE_VERSION = "OpenSearch_2.19"
TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
# Readers (api, notify) send exactly four requests, so each is granted on its own path:
# POST (and GET) {alias}/_search and {alias}/_msearch, GET {alias}/_doc/{id}, and GET
# _cluster/health. A POST anywhere else (``_bulk``, ``_aliases``, ``_delete_by_query``)
# would write. The api also reads the treatments' content: searches and gets on its alias.
# (A policy sees the path only: an ``_msearch`` line naming another index is not checked
# against it. Every index on the domain is public content; none holds personal data.)
SEARCH_ACTIONS = ("es:ESHttpGet", "es:ESHttpPost")
GET_ACTIONS = ("es:ESHttpGet",)
# The indexer builds indices and swaps aliases: every HTTP verb on the domain's paths.
WRITE_ACTIONS = ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete")


def reader_paths(alias: str) -> dict[str, tuple[str, ...]]:
    """Path under the domain ARN → the actions a reader may send to it."""
    return {
        f"{alias}/_search": SEARCH_ACTIONS,
        f"{alias}/_msearch": SEARCH_ACTIONS,
        f"{alias}/_doc/*": GET_ACTIONS,
        "_cluster/health": GET_ACTIONS,
    }


def content_reader_paths(alias: str) -> dict[str, tuple[str, ...]]:
    """The treatments' content: searched and fetched by slug, through its own alias."""
    return {f"{alias}/_search": SEARCH_ACTIONS, f"{alias}/_doc/*": GET_ACTIONS}


class SearchDomain(Construct):
    """The domain, and its two-sided grants: each role may call it (identity policy) and
    the domain admits exactly these roles (resource policy)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: SearchConfig,
        alias: str,
        treatments_alias: str,
        retain: bool,
        readers: list[iam.IRole],
        content_readers: list[iam.IRole],
        writers: list[iam.IRole],
    ) -> None:
        super().__init__(scope, construct_id)
        # Built from the name, not the domain's own ARN attribute: the access policy is a
        # property of the domain and may not refer to the domain.
        self.domain_arn = f"arn:{Aws.PARTITION}:es:{Aws.REGION}:{Aws.ACCOUNT_ID}:domain/{config.domain_name}"
        grants = [(readers, path, actions) for path, actions in reader_paths(alias).items()]
        grants += [(content_readers, path, actions) for path, actions in content_reader_paths(treatments_alias).items()]
        grants.append((writers, "*", WRITE_ACTIONS))
        for roles, path, actions in grants:
            for role in roles:
                role.add_to_principal_policy(self._statement(path, actions))
        managers = config.manager_node_type is not None
        zones = config.availability_zones
        self.domain = opensearch.CfnDomain(
            self,
            "Domain",
            domain_name=config.domain_name,
            engine_version=ENGINE_VERSION,
            cluster_config=opensearch.CfnDomain.ClusterConfigProperty(
                instance_type=config.data_node_type,
                instance_count=config.data_nodes,
                zone_awareness_enabled=zones > 1,
                zone_awareness_config=(
                    opensearch.CfnDomain.ZoneAwarenessConfigProperty(availability_zone_count=zones)
                    if zones > 1
                    else None
                ),
                dedicated_master_enabled=managers,
                dedicated_master_type=config.manager_node_type,
                dedicated_master_count=3 if managers else None,
            ),
            ebs_options=opensearch.CfnDomain.EBSOptionsProperty(
                ebs_enabled=True, volume_type="gp3", volume_size=config.volume_gb
            ),
            encryption_at_rest_options=opensearch.CfnDomain.EncryptionAtRestOptionsProperty(enabled=True),
            node_to_node_encryption_options=opensearch.CfnDomain.NodeToNodeEncryptionOptionsProperty(enabled=True),
            domain_endpoint_options=opensearch.CfnDomain.DomainEndpointOptionsProperty(
                enforce_https=True, tls_security_policy=TLS_POLICY
            ),
            access_policies=iam.PolicyDocument(
                statements=[self._admit(roles, path, actions) for roles, path, actions in grants if roles]
            ).to_json(),
        )
        self.domain.apply_removal_policy(RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY)

    @property
    def endpoint_url(self) -> str:
        return f"https://{self.domain.attr_domain_endpoint}"

    def _statement(self, path: str, actions: tuple[str, ...]) -> iam.PolicyStatement:
        return iam.PolicyStatement(actions=list(actions), resources=[f"{self.domain_arn}/{path}"])

    def _admit(self, roles: list[iam.IRole], path: str, actions: tuple[str, ...]) -> iam.PolicyStatement:
        statement = self._statement(path, actions)
        statement.add_principals(*(iam.ArnPrincipal(role.role_arn) for role in roles))
        return statement
