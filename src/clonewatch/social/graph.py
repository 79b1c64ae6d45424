"""The co-sharing network as a networkx graph, written as GraphML or GEXF for Gephi."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clonewatch.errors import InputError
from clonewatch.social.network import Edge
from clonewatch.social.posts import Account

GRAPH_SUFFIXES = (".graphml", ".gexf")


def account_graph(edges: Iterable[Edge], accounts: dict[str, Account], *, min_repeat: int) -> Any:
    """A weighted networkx graph of the account pairs that co-shared at least ``min_repeat`` times."""
    import networkx as nx

    graph = nx.Graph()
    for edge in edges:
        if edge.weight < min_repeat:
            continue
        for account_id in edge.accounts:
            if account_id not in graph:
                account = accounts.get(account_id, Account(account_id))
                graph.add_node(
                    account_id,
                    label=account.username or account_id,
                    followers=account.followers if account.followers is not None else -1,
                    default_image=bool(account.default_image),
                    created_at=account.created_at.isoformat() if account.created_at else "",
                )
        graph.add_edge(*edge.accounts, weight=edge.weight, keys=" ".join(edge.keys))
    return graph


def write_graph(graph: Any, path: Path) -> None:
    """GraphML or GEXF by the file's suffix; InputError for another suffix or an unwritable path."""
    import networkx as nx

    if path.suffix not in GRAPH_SUFFIXES:
        raise InputError(f"{path}: graph files end in .graphml or .gexf")
    try:
        if path.suffix == ".graphml":
            nx.write_graphml(graph, path)
        else:
            nx.write_gexf(graph, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
