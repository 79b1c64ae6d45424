"""Candidate -> evidence. So far: DNS liveness (does a name exist, and what does it point at)."""

from clonewatch.probe.dns import DnsFacts, DnsStatus, LivenessChecker, ResolverSettings, check_names

__all__ = ["DnsFacts", "DnsStatus", "LivenessChecker", "ResolverSettings", "check_names"]
