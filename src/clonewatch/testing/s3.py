"""A real S3-compatible object store on loopback (moto's server) for the blob-store tests.

    with LocalS3() as s3:
        bucket = s3.make_bucket()        # a new bucket: blobs-1, blobs-2, ...
        env = {**os.environ, **s3.env}   # AWS_ENDPOINT_URL and keys for a clonewatch process
        s3.objects(bucket)               # {key: bytes} of everything stored

Clients find it the way they find any S3 service: ``AWS_ENDPOINT_URL`` and the access keys, set in
``env`` (``use_env()`` sets them in this process for as long as the block lasts).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from clonewatch.testing.processes import stop

START_SECONDS = 30.0
SERVER = Path(sys.executable).parent / "moto_server"


class LocalS3:
    """moto's S3 server on ``address`` (a free port), stopped on leaving the block."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.address = address
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._buckets = 0
        self._log = Path(tempfile.mkstemp(prefix="clonewatch-s3-", suffix=".log")[1])

    @property
    def endpoint(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """What a client needs to reach this store (any keys are accepted)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "clonewatch-test",
            "AWS_SECRET_ACCESS_KEY": "clonewatch-test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def __enter__(self) -> LocalS3:
        if not SERVER.is_file():
            raise RuntimeError(f"{SERVER} not found: install moto[server] (the dev extra has it)")
        self.port = _free_port(self.address)
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [str(SERVER), "-H", self.address, "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                socket.create_connection((self.address, self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        log_text = self._log.read_text(errors="replace")[-2000:]
        self.__exit__(None, None, None)
        raise RuntimeError(f"the S3 server did not start on {self.endpoint}:\n{log_text}")

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None
        self._log.unlink(missing_ok=True)

    @contextmanager
    def use_env(self) -> Iterator[None]:
        """This store's endpoint and keys in ``os.environ`` for the block (then as they were)."""
        saved = {name: os.environ.get(name) for name in self.env}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def _client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
            region_name=self.env["AWS_DEFAULT_REGION"],
        )

    def make_bucket(self, prefix: str = "blobs") -> str:
        """A new, empty bucket; its name (``prefix`` and a number)."""
        self._buckets += 1
        name = f"{prefix}-{self._buckets}"
        self._client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object in ``bucket``, by key."""
        client = self._client()
        found: dict[str, bytes] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        return found


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])
