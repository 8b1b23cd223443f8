"""The AWS CDK app that deploys the backend; see ``docs/infra.md``."""
