"""Candidate -> evidence: DNS liveness, redirect chains, and headless-browser captures.

Importing this package loads neither Playwright nor the imaging libraries; they load when a
browser starts or a screenshot is hashed.
"""

from clonewatch.net.resolve import ResolverSettings
from clonewatch.probe.browser import Browser, BrowserSettings
from clonewatch.probe.capture import BrowserCapture, Navigation, save_png
from clonewatch.probe.dns import DnsFacts, DnsStatus, LivenessChecker, check_names
from clonewatch.probe.resources import Resource, ResourceFetcher

__all__ = [
    "Browser",
    "BrowserCapture",
    "BrowserSettings",
    "DnsFacts",
    "DnsStatus",
    "LivenessChecker",
    "Navigation",
    "ResolverSettings",
    "Resource",
    "ResourceFetcher",
    "check_names",
    "save_png",
]
