"""The OpenSearch domain: engine, encryption, TLS, who may call it, and its shape per stage."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template

from chalicelib.index_schema import index_body
from infra.search import WRITE_ACTIONS, reader_paths
from infra.settings import StageName
from infra.stack import chalice_config
from tests.infra.conftest import Synthesised
from tests.infra.roles import as_list, role_of_function


def test_domain_runs_opensearch_2_19_encrypted_and_https_only_with_tls_1_2(template: Template) -> None:
    template.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        {
            "EngineVersion": "OpenSearch_2.19",
            "EncryptionAtRestOptions": {"Enabled": True},
            "NodeToNodeEncryptionOptions": {"Enabled": True},
            "DomainEndpointOptions": {"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
        },
    )


def test_access_policy_admits_only_the_function_roles_readers_on_three_paths(
    synthesised: Synthesised, stage: StageName
) -> None:
    _, domain = synthesised.only(stage, "AWS::OpenSearchService::Domain")
    statements: list[dict[str, Any]] = domain["Properties"]["AccessPolicies"]["Statement"]
    domain_suffix = f":domain/{domain['Properties']['DomainName']}/"
    admitted: dict[str, dict[str, set[str]]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "Condition" not in statement
        resource = statement["Resource"]["Fn::Join"][1][-1]
        assert domain_suffix in resource
        path = resource.split(domain_suffix, 1)[1]
        principals = statement["Principal"]["AWS"]
        for principal in principals if isinstance(principals, list) else [principals]:
            # Only references to roles in this stack: never "*" or an account root.
            assert set(principal) == {"Fn::GetAtt"}, principal
            paths = admitted.setdefault(principal["Fn::GetAtt"][0], {})
            paths.setdefault(path, set()).update(as_list(statement["Action"]))
    api = role_of_function(synthesised, stage, "APIHandler")
    notify = role_of_function(synthesised, stage, "Notify")
    indexer = role_of_function(synthesised, stage, "ReindexFunction")
    alias = chalice_config()["environment_variables"]["SEARCH_ALIAS"]
    readers = {path: set(actions) for path, actions in reader_paths(alias).items()}
    assert readers == {
        f"{alias}/_search": {"es:ESHttpGet", "es:ESHttpPost"},
        f"{alias}/_msearch": {"es:ESHttpGet", "es:ESHttpPost"},
        f"{alias}/_doc/*": {"es:ESHttpGet"},
        "_cluster/health": {"es:ESHttpGet"},
    }
    # Only the api reads the treatments' content (its pages, and the links in a search's answer).
    content = {"treatments/_search": {"es:ESHttpGet", "es:ESHttpPost"}, "treatments/_doc/*": {"es:ESHttpGet"}}
    assert admitted == {api: readers | content, notify: readers, indexer: {"*": set(WRITE_ACTIONS)}}


def test_prod_spreads_three_nodes_over_three_zones_with_dedicated_managers(
    template: Template, stage: StageName
) -> None:
    if stage == "prod":
        cluster = {
            "InstanceCount": 3,
            "ZoneAwarenessEnabled": True,
            "ZoneAwarenessConfig": {"AvailabilityZoneCount": 3},
            "DedicatedMasterEnabled": True,
            "DedicatedMasterCount": 3,
        }
    else:
        cluster = {"InstanceCount": 1, "ZoneAwarenessEnabled": False, "DedicatedMasterEnabled": False}
    template.has_resource_properties("AWS::OpenSearchService::Domain", {"ClusterConfig": cluster})


def test_dev_runs_one_small_node(synthesised: Synthesised) -> None:
    _, domain = synthesised.only("dev", "AWS::OpenSearchService::Domain")
    assert domain["Properties"]["ClusterConfig"]["InstanceType"].startswith(("t3.small.", "t3.medium."))


def test_synonyms_ship_in_the_index_settings_not_as_a_package(template: Template) -> None:
    template.resource_count_is("AWS::OpenSearchService::Package", 0)
    synonyms = index_body()["settings"]["analysis"]["filter"]["synonyms"]
    assert synonyms["synonyms"], "the index settings carry the rules themselves"
    assert "synonyms_path" not in synonyms
