"""One database for everything clonewatch learns (SQLite by default, PostgreSQL for teams), with history.

from clonewatch.store import Store
with Store.open("sqlite:///w.db") as store:
    store.ingest_batch("nrd", {"file": "2026-11-24.txt", "line": 1000}, matches)
    for finding in store.findings(verdict="clone"):
        print(finding.match.domain, finding.match.brand)
"""

from clonewatch.store.blobs import (
    BlobStore,
    DirectoryBlobs,
    RemoteBlobs,
    default_blob_dir,
    open_blobs,
)
from clonewatch.store.campaigns import (
    CAMPAIGN_EVENT,
    CampaignEdge,
    CampaignJoin,
    CampaignMember,
    CampaignRecord,
    CampaignSave,
    CampaignValue,
)
from clonewatch.store.database import default_path, resolve_url
from clonewatch.store.migrate import Upgrade, current_revision, head_revision, upgrade
from clonewatch.store.queue import QueueFilter, QueueItem, QueuePage
from clonewatch.store.records import (
    ALERT_VERDICTS,
    FLAGGED,
    Alert,
    Finding,
    HistoryEvent,
    IngestResult,
    MatchLike,
    ProbeSchedule,
)
from clonewatch.store.reviews import (
    DECISIONS,
    ROLES,
    STANDING,
    UNREVIEWED,
    BadDecision,
    Decision,
    UnknownUser,
    User,
    UserExists,
)
from clonewatch.store.store import Store

__all__ = [
    "ALERT_VERDICTS",
    "CAMPAIGN_EVENT",
    "DECISIONS",
    "FLAGGED",
    "ROLES",
    "STANDING",
    "UNREVIEWED",
    "Alert",
    "BadDecision",
    "BlobStore",
    "CampaignEdge",
    "CampaignJoin",
    "CampaignMember",
    "CampaignRecord",
    "CampaignSave",
    "CampaignValue",
    "Decision",
    "DirectoryBlobs",
    "Finding",
    "HistoryEvent",
    "IngestResult",
    "MatchLike",
    "ProbeSchedule",
    "QueueFilter",
    "QueueItem",
    "QueuePage",
    "RemoteBlobs",
    "Store",
    "UnknownUser",
    "Upgrade",
    "User",
    "UserExists",
    "current_revision",
    "default_blob_dir",
    "default_path",
    "head_revision",
    "open_blobs",
    "resolve_url",
    "upgrade",
]
