"""The JSON API over HTTP: 401 and no data without a token, pages of findings, a domain's record,
decisions by analysts only; on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from clonewatch.testing.dashboard import DashboardWorld, LocalDashboard, make_world
from clonewatch.web import WebSettings
from tests.web.conftest import Api, api_caller

_databases = itertools.count()
GETS = [
    "/api/findings",
    "/api/findings?verdict=clone",
    "/api/facets",
    "/api/me",
    "/api/domains/bildd.lol",
    "/api/domains/bildd.lol/decisions",
    "/api/campaigns",
    "/api/campaigns/c-1",
]


def test_without_a_valid_token_every_route_answers_401_and_no_data(api: Api, world: DashboardWorld) -> None:
    for path in GETS:
        for token in (None, "cw_not-a-token", "Basic abc", world.tokens["ana"][:-1]):
            status, body = api(path, token)
            assert status == 401, (path, token)
            assert body == {"detail": "an API token is needed"}
    status, body = api("/api/domains/bildd.lol/decisions", None, body={"decision": "clone"}, method="POST")
    assert status == 401 and world.store.decisions("bildd.lol") == []
    assert all(api(path, world.tokens["vera"])[0] == 200 for path in GETS)


def test_the_openapi_description_is_public_and_names_the_routes(api: Api) -> None:
    status, described = api("/api/openapi.json")
    assert status == 200
    assert {"/api/findings", "/api/domains/{name}", "/api/domains/{name}/decisions"} <= set(
        described["paths"]
    )
    assert "HTTPBearer" in described["components"]["securitySchemes"]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[DashboardWorld, Api]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = str(request.getfixturevalue("postgres").create_database(f"web_{next(_databases)}"))
    made = make_world(url, tmp_path / "blobs")
    with LocalDashboard(WebSettings(store=made.store, blobs=made.blobs)) as server:
        yield made, api_caller(server.url)
    made.store.close()


def test_findings_are_paginated_filtered_and_counted(any_world: tuple[DashboardWorld, Api]) -> None:
    world, api = any_world
    token = world.tokens["vera"]
    status, first = api("/api/findings?limit=2", token)
    assert status == 200
    assert [item["domain"] for item in first["items"]] == ["spiegel.ltd", "blld.live"]
    assert (first["total"], first["offset"], first["limit"], first["next"]) == (3, 0, 2, 2)
    assert first["by_brand"] == {"Bild": 2, "Der Spiegel": 1}
    assert first["by_verdict"] == {"clone": 1, "parked": 1, "none": 1}
    _, second = api(f"/api/findings?limit=2&offset={first['next']}", token)
    assert [item["domain"] for item in second["items"]] == ["bildd.lol"] and second["next"] is None
    (clone,) = api("/api/findings?brand=bild.de&verdict=clone", token)[1]["items"]
    assert (clone["domain"], clone["campaign"], clone["review"]) == ("bildd.lol", "c-1", None)
    assert api("/api/findings?since=2026-11-21T00:00:00Z", token)[1]["total"] == 1
    assert api("/api/findings?q=BLLD", token)[1]["total"] == 1
    assert api("/api/findings?limit=501", token)[0] == 422


def test_a_domain_record_and_decisions(any_world: tuple[DashboardWorld, Api]) -> None:
    world, api = any_world
    status, record = api("/api/domains/bildd.lol", world.tokens["vera"])
    assert status == 200
    assert (record["verdict"], record["campaign"], record["screenshot"]) == ("clone", "c-1", world.screenshot)
    assert record["evidence"]["rdap"]["abuse_email"].startswith("javascript:")  # data, as stored
    assert [e["kind"] for e in record["history"]][:3] == ["first_seen", "match", "probe"]
    assert "evidence" not in record["history"][2]
    assert api("/api/domains/never.seen", world.tokens["vera"])[0] == 404

    path = "/api/domains/bildd.lol/decisions"
    status, body = api(path, world.tokens["vera"], body={"decision": "clone"}, method="POST")
    assert status == 403 and "analyst" in body["detail"]
    status, made = api(
        path, world.tokens["ana"], body={"decision": "false-alarm", "comment": "ours"}, method="POST"
    )
    assert status == 201 and (made["decision"], made["who"], made["comment"]) == (
        "false-alarm",
        "ana",
        "ours",
    )
    assert api(path, world.tokens["ana"], body={"decision": "maybe"}, method="POST")[0] == 422
    assert (
        api(path, world.tokens["ana"], body={"decision": "clone", "comment": "a\x00b"}, method="POST")[0]
        == 422
    )
    assert [d["decision"] for d in api(path, world.tokens["vera"])[1]] == ["false-alarm"]
    assert api("/api/findings?review=false-alarm", world.tokens["vera"])[1]["total"] == 1
    assert api("/api/findings?review=unreviewed", world.tokens["vera"])[1]["total"] == 2
