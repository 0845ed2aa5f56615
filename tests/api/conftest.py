"""Fixtures the API tests share."""
import os
import uuid

import pytest

from tests.api.test_disputes import place  # noqa: F401 (a cell and the people above it, for the desk tests too)


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 server (moto in server mode, offline) on a free port of the loopback, for the session; its
    credentials are moto's test ones, from the environment boto3 reads."""
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {key: os.environ.get(key) for key in S3_ENVIRONMENT}
    os.environ.update(S3_ENVIRONMENT)
    yield f"http://{host}:{port}"
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


S3_ENVIRONMENT = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(params=["local", "s3"])
def attachment_store(request, tmp_path):
    """The attachment store's setting, once a folder of the test's own and once a bucket of its own on the local S3
    server: the attachment tests run against both."""
    if request.param == "local":
        return f"file://{tmp_path / 'attachments'}"
    import boto3
    endpoint = request.getfixturevalue("s3_server")
    bucket = f"wangge-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return f"s3://{bucket}?endpoint={endpoint}&region=us-east-1"
