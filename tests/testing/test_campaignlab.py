"""The campaign world's shape: what a correct clustering is asked to find, and what it is not."""

from __future__ import annotations

from collections import Counter

from clonewatch.testing.campaignlab import campaign_world


def test_the_world_plants_two_operations_among_commons() -> None:
    world = campaign_world()
    names = [domain.name for domain in world.domains]
    assert len(names) == len(set(names)) and not set(names) & set(world.missing)
    feed = world.feed()
    assert feed == campaign_world().feed() and len(feed) == len(set(feed))
    for operation in world.operations():
        members = world.members(operation)
        roles = Counter(member.role for member in members.values())
        assert roles == Counter({"clone": roles["clone"], "redirector": 4, "original": 1, "infra": 1})
        assert all(members[seed].role == "clone" and seed in feed for seed in world.seeds[operation])
        assert not any(name in feed for name, member in members.items() if member.role == "infra")
        networks = {member.address.rsplit(".", 1)[0] for member in members.values() if member.role != "infra"}
        assert len(networks) <= 2  # its own /24 (and, for one clone, the CDN)
    assert {d.common for d in world.commons().values()} == {"cdn", "parking", "hosting", "filler"}
    assert "faz.rest" not in feed  # only redirect chains lead to it
    assert {"com", "ltd", "net", "xyz"} <= set(world.suffixes())
