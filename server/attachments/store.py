"""Where the files live: a folder (by default the instance folder's attachments/, nothing to set up) or an
S3-compatible object store (MinIO, Aliyun OSS, Tencent COS) named by one URL, ATTACHMENT_STORE:

    s3://bucket[/prefix]?endpoint=http://127.0.0.1:9000&region=us-east-1   credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
    file:///srv/wangge/attachments                                          a folder elsewhere

Both keep a file under its key and never delete one. Keys are `<first 2 hex of the id>/<id>` and `…-thumb.jpg`."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlparse


class Store(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def exists(self, key: str) -> bool: ...


def file_key(attachment_id: uuid.UUID) -> str:
    return f"{attachment_id.hex[:2]}/{attachment_id}"


def thumbnail_key(attachment_id: uuid.UUID) -> str:
    return f"{file_key(attachment_id)}-thumb.jpg"


class LocalStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Written whole or not at all: into a temporary file beside it, then renamed over (a re-send overwrites)."""
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None, region: str | None = None):
        import boto3  # only when an object store is configured
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=region)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise


def store_from_url(url: str, default_root: Path) -> Store:
    """The store a setting names: empty for the default folder, file:///path, or s3://bucket[/prefix]?endpoint=&region=."""
    if not url:
        return LocalStore(default_root)
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalStore(Path(parsed.path))
    if parsed.scheme == "s3" and parsed.netloc:
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return S3Store(parsed.netloc, parsed.path, endpoint=query.get("endpoint"), region=query.get("region"))
    raise ValueError(f"ATTACHMENT_STORE must be empty, file:///path or s3://bucket?endpoint=…&region=…, not {url!r}")
