"""The local stack: a real OpenSearch node, a moto server for DynamoDB/SES/SQS and
the API, run on this machine with no AWS account. Used by ``make run`` and the tests;
never deployed."""
