"""`clonewatch export --format misp --push URL --key-file F` through the installed console script,
on a store filled with real probe records, against a loopback MISP stand-in (HTTP and HTTPS with a
lab CA) that records the request: what is sent (method, path, key, JSON headers, the same event as
``-o`` writes), what MISP answered, and the errors a user meets (bad key, server error, untrusted
certificate, private address, unusable key file, options that do not go together)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymisp import MISPEvent

from clonewatch.testing.web import LabCa
from tests.report.conftest import CLONE, Cli
from tests.report.misp_server import MispServer

KEY = "Zq8vT1mK3pL0xW9cR7yB2nF5hJ4sD6gA1eU8iO3t"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "misp.key"
    path.write_text(KEY + "\n", encoding="utf-8")
    return path


@pytest.fixture
def misp() -> Iterator[MispServer]:
    with MispServer() as server:
        yield server


@pytest.fixture(scope="module")
def lab_ca(tmp_path_factory: pytest.TempPathFactory) -> LabCa:
    return LabCa(tmp_path_factory.mktemp("misp-ca"))


def _loaded(text: str | bytes) -> MISPEvent:
    event = MISPEvent()
    event.load(text)
    return event


def _no_key_shown(result: object) -> None:
    assert KEY not in str(getattr(result, "stdout", "")) + str(getattr(result, "stderr", ""))


def test_push_sends_the_exported_event_with_the_key(
    cli: Cli, sqlite_db: str, misp: MispServer, key_file: Path, tmp_path: Path
) -> None:
    written = tmp_path / "event.json"
    assert cli("export", "--format", "misp", "--db", sqlite_db, "-o", str(written)).returncode == 0
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", f"{misp.base}/misp/",
        "--key-file", str(key_file), "--allow-private",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (request,) = misp.requests
    assert (request.method, request.path) == ("POST", "/misp/events/add")  # under MISP's sub-directory
    assert request.headers["Authorization"] == KEY
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    pushed, exported = _loaded(request.body), _loaded(written.read_text(encoding="utf-8"))
    assert pushed.to_dict() == exported.to_dict()
    assert pushed.uuid == exported.uuid
    assert any(o.name == "domain-ip" and o.get_attributes_by_relation("domain")[0].value == CLONE
               for o in pushed.objects)  # fmt: skip
    assert f"MISP event 1 (uuid {exported.uuid}) added at {misp.base}/misp/events/add" in result.stderr
    assert result.stdout == ""  # with --push, the event is written only where -o says
    _no_key_shown(result)


def test_push_over_https_verifies_the_certificate(
    cli: Cli, sqlite_db: str, key_file: Path, lab_ca: LabCa
) -> None:
    with MispServer(lab_ca.issue(["localhost"]), host="localhost") as misp:
        args = ["export", "--format", "misp", "--db", sqlite_db, "--push", misp.base,
                "--key-file", str(key_file), "--allow-private"]  # fmt: skip
        untrusted = cli(*args)
        assert untrusted.returncode == 1
        assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
        assert len(untrusted.stderr.strip().splitlines()) == 1
        assert misp.requests == []
        trusted = cli(*args, "--ca-file", str(lab_ca.ca_file))
        assert trusted.returncode == 0, trusted.stderr
        (request,) = misp.requests
        assert request.headers["Authorization"] == KEY
        assert "MISP event 1 (uuid " in trusted.stderr
        _no_key_shown(untrusted)
        _no_key_shown(trusted)


@pytest.mark.parametrize(
    ("status", "answer", "said"),
    [
        (403, {"name": "Authentication failed. Please make sure you pass the API key of an API enabled "
                       "user along in the Authorization header.", "message": "Authentication failed.",
               "url": "/events/add"}, "MISP answered HTTP 403: Authentication failed."),
        (500, {"name": "An Internal Error Has Occurred.", "message": "An Internal Error Has Occurred.",
               "url": "/events/add"}, "MISP answered HTTP 500: An Internal Error Has Occurred."),
        (200, {"name": "Event already exists", "errors": {"Event": ["Event with this uuid exists"]}},
         "MISP answered HTTP 200 without an event"),
    ],
)  # fmt: skip
def test_an_error_answer_is_one_line_with_its_status(
    cli: Cli, sqlite_db: str, misp: MispServer, key_file: Path, status: int, answer: object, said: str
) -> None:
    misp.answer_next(status, answer)
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", misp.base,
        "--key-file", str(key_file), "--allow-private",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert said in line
    assert len(misp.requests) == 1
    _no_key_shown(result)


def test_a_hostile_error_answer_is_shown_inert(
    cli: Cli, sqlite_db: str, misp: MispServer, key_file: Path
) -> None:
    misp.answer_next(403, {"message": "denied\x1b]0;pwned\x07\nclonewatch: exported 0 domain(s)"})
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", misp.base,
        "--key-file", str(key_file), "--allow-private",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "\x1b" not in line and "\x07" not in line
    assert "denied\\x1b]0;pwned\\x07\\x0aclonewatch" in line


def test_a_private_address_needs_allow_private(
    cli: Cli, sqlite_db: str, misp: MispServer, key_file: Path
) -> None:
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", misp.base, "--key-file", str(key_file)
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "refused" in line and "--allow-private" in line
    assert misp.requests == []


def test_a_server_that_is_not_there_is_one_line(cli: Cli, sqlite_db: str, key_file: Path) -> None:
    with MispServer() as gone:
        url = gone.base
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", url, "--key-file", str(key_file),
        "--allow-private",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"{url}/events/add" in line and "Connection" in line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such key file"),
        ("", "empty"),
        ("  \n", "empty"),
        ("two words\n", "not a MISP key"),
        ("line one\nline two\n", "not a MISP key"),
        ("dir", "cannot read the key file"),
        (b"\xff\xfekey", "not a MISP key"),
    ],
)
def test_an_unusable_key_file_exits_2_without_sending(
    cli: Cli, sqlite_db: str, misp: MispServer, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "misp.key"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", misp.base, "--key-file", str(path),
        "--allow-private",
    )  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert str(path) in line and message in line
    assert "two words" not in line and "line one" not in line  # what the file holds is never shown
    assert misp.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "misp", "--push", "http://127.0.0.1:9/"], "--push needs --key-file"),
        (["--format", "stix", "--push", "http://127.0.0.1:9/", "--key-file", "K"], "with --format misp"),
        (["--format", "misp", "--key-file", "K"], "--key-file: only with --push"),
        (["--format", "misp", "--allow-private"], "--allow-private: only with --push"),
        (["--format", "misp", "--push", "ftp://127.0.0.1/", "--key-file", "K"], "bad --push URL"),
        (["--format", "misp", "--push", "http://127.0.0.1:9/", "--key-file", "K", "--ca-file", "nope.pem"],
         "--ca-file nope.pem: no such file"),
    ],
)  # fmt: skip
def test_push_options_that_do_not_go_together_exit_2(
    cli: Cli, sqlite_db: str, key_file: Path, args: list[str], message: str
) -> None:
    args = [str(key_file) if arg == "K" else arg for arg in args]
    result = cli("export", "--db", sqlite_db, *args)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line


def test_the_event_is_also_written_with_o(
    cli: Cli, sqlite_db: str, misp: MispServer, key_file: Path, tmp_path: Path
) -> None:
    written = tmp_path / "event.json"
    result = cli(
        "export", "--format", "misp", "--db", sqlite_db, "--push", misp.base, "--key-file", str(key_file),
        "--allow-private", "-o", str(written),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (request,) = misp.requests
    assert json.loads(request.body) == json.loads(written.read_text(encoding="utf-8"))
