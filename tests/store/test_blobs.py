from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from clonewatch.store import BlobStore, default_blob_dir, default_path


def test_put_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    body = b"<html><title>Der Spiegel</title></html>"
    sha = blobs.put(body)
    assert sha == hashlib.sha256(body).hexdigest()
    assert blobs.path(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert blobs.put(body) == sha
    assert blobs.get(sha) == body and sha in blobs
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [sha]  # no temporary left


def test_only_sha256_names_are_paths(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    with pytest.raises(ValueError, match="not a SHA-256"):
        blobs.path("../../etc/passwd")
    assert "../../etc/passwd" not in blobs
    assert "0" * 64 not in blobs


def test_blobs_default_beside_the_database() -> None:
    assert default_blob_dir().parent == default_path().parent
