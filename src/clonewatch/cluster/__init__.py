"""Verdicts + evidence -> campaigns: domains joined by the rare values they share (addresses,
networks, name servers, MX, registration batches, certificates, redirect hops and their shapes,
analytics IDs, favicons, templates, text, bodies), grouped into communities, each member given a
role and the link that brought it in."""

from clonewatch.cluster.build import cluster_records, read_evidence
from clonewatch.cluster.fit import Fit, campaign_fit
from clonewatch.cluster.records import Campaign, DomainFacts, Edge, Member, Pivot, SharedValue
from clonewatch.cluster.weights import ClusterSettings

__all__ = [
    "Campaign",
    "ClusterSettings",
    "DomainFacts",
    "Edge",
    "Fit",
    "Member",
    "Pivot",
    "SharedValue",
    "campaign_fit",
    "cluster_records",
    "read_evidence",
]
