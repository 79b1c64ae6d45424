from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from clonewatch.errors import InputError
from clonewatch.store import DirectoryBlobs, default_blob_dir, default_path, open_blobs
from clonewatch.testing.s3 import LocalS3


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    blobs = DirectoryBlobs(tmp_path / "blobs")
    body = b"<html><title>Der Spiegel</title></html>"
    sha = blobs.put(body)
    assert sha == hashlib.sha256(body).hexdigest()
    assert blobs.path(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert blobs.put(body) == sha
    assert blobs.get(sha) == body and sha in blobs
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [sha]  # no temporary left


def test_only_sha256_names_are_paths(tmp_path: Path) -> None:
    blobs = DirectoryBlobs(tmp_path)
    with pytest.raises(ValueError, match="not a SHA-256"):
        blobs.path("../../etc/passwd")
    assert "../../etc/passwd" not in blobs
    assert "0" * 64 not in blobs


def test_blobs_default_beside_the_database() -> None:
    assert default_blob_dir().parent == default_path().parent


def test_a_location_without_a_scheme_is_a_directory(tmp_path: Path) -> None:
    for location in (tmp_path / "a", str(tmp_path / "b"), f"file://{tmp_path / 'c'}"):
        blobs = open_blobs(location)
        assert isinstance(blobs, DirectoryBlobs)
        sha = blobs.put(b"page")
        assert blobs.path(sha).is_file() and blobs.path(sha).parent.parent.name in "abc"
    # a Dask worker keeps one pipeline per job key, a hash of the settings' text: same store, same text
    assert repr(open_blobs(tmp_path / "a").put) == repr(open_blobs(str(tmp_path / "a")).put)


def test_blobs_in_object_storage_are_named_by_content_under_the_prefix(s3: LocalS3) -> None:
    bucket = s3.make_bucket()
    with s3.use_env():
        blobs = open_blobs(f"s3://{bucket}/clonewatch/blobs")
        body = b"<html><title>Der Spiegel</title></html>"
        sha = blobs.put(body)
        assert sha == hashlib.sha256(body).hexdigest()
        assert blobs.put(body) == sha and sha in blobs and blobs.get(sha) == body
        assert blobs.size(sha) == len(body)
        assert "0" * 64 not in blobs and blobs.size("0" * 64) is None
        with pytest.raises(FileNotFoundError):
            blobs.get("0" * 64)
        with pytest.raises(ValueError, match="not a SHA-256"):
            blobs.get("../../etc/passwd")
    assert s3.objects(bucket) == {f"clonewatch/blobs/{sha[:2]}/{sha}": body}


def test_a_store_that_cannot_be_used_is_one_line_before_any_work(s3: LocalS3) -> None:
    with s3.use_env():
        with pytest.raises(InputError) as missing:
            open_blobs("s3://no-such-bucket/blobs")
        assert str(missing.value).startswith("blob store s3://no-such-bucket/blobs: ")
        assert "\n" not in str(missing.value)
        with pytest.raises(InputError, match="name a bucket"):
            open_blobs("s3://")
        with pytest.raises(InputError, match="blob store nosuchproto://x/y: "):
            open_blobs("nosuchproto://x/y")


def test_an_endpoint_that_does_not_answer_is_one_line_soon(
    s3: LocalS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    started = time.monotonic()
    with pytest.raises(InputError) as down:
        open_blobs("s3://evidence/blobs")
    assert time.monotonic() - started < 8  # one attempt, not botocore's and s3fs's retries (~13 s)
    assert str(down.value).startswith("blob store s3://evidence/blobs: Could not connect to the endpoint URL")
