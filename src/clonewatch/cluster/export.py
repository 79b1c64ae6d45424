"""Campaigns as a graph file for Gephi or Cytoscape: members as nodes (role, brand, campaign), the
spanning evidence as edges (weight, the values shared)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clonewatch.cluster.records import Campaign
from clonewatch.errors import InputError


def write_campaign_graph(campaigns: Sequence[Campaign], path: Path) -> None:
    """GraphML or GEXF by the file's suffix; InputError for another suffix or an unwritable path."""
    import networkx as nx

    suffix = path.suffix.lower()
    if suffix not in (".graphml", ".gexf"):
        raise InputError(f"{path}: --graph must end in .graphml or .gexf")
    graph = nx.Graph()
    for campaign in campaigns:
        for member in campaign.members:
            graph.add_node(member.domain, role=member.role, brand=member.brand or "", campaign=campaign.id)
        for edge in campaign.edges:
            graph.add_edge(edge.a, edge.b, weight=edge.weight, via=" ".join(str(p) for p in edge.shared))
    try:
        if suffix == ".graphml":
            nx.write_graphml(graph, path)
        else:
            nx.write_gexf(graph, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
