"""DISARM techniques an export states for a domain, under their current IDs and the older ones
MISP's galaxy still uses (DISARM renumbered impersonation and infrastructure in v1.4).

Why each one applies:
- every look-alike name: T0149.003 Lookalike Domain (older: T0099.002 Spoof/Parody Account/Site);
- a redirector, by verdict or campaign role: T0149.004 Redirecting Domain Asset;
- a clone (or cloaked clone) of a news outlet: T0098.001 Create Inauthentic News Sites, and
  T0143.003 Impersonated Persona with T0097.202 News Outlet Persona (older: T0099 Prepare Assets
  Impersonating Legitimate Entities); of a government body: T0143.003 with T0097.206 Government
  Institution Persona;
- a cloaked domain (shows investigators something else than its victims): T0155.004 Geoblocked Asset.
"""

from __future__ import annotations

from dataclasses import dataclass

from clonewatch.report.records import DomainReport

PAGES = "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/"
GALAXY = "misp-galaxy:disarm-techniques"


@dataclass(frozen=True, slots=True)
class Technique:
    """A DISARM technique: its ID and name, and the older ID and name where it had another."""

    id: str
    name: str
    older_id: str | None = None
    older_name: str | None = None

    @property
    def url(self) -> str:
        return f"{PAGES}{self.id}.md"

    def galaxy_tags(self) -> list[str]:
        """MISP galaxy tags (the galaxy names clusters by their name), current first."""
        tags = [f'{GALAXY}="{self.name}"']
        if self.older_name is not None and self.older_name != self.name:
            tags.append(f'{GALAXY}="{self.older_name}"')
        return tags


LOOKALIKE = Technique("T0149.003", "Lookalike Domain", "T0099.002", "Spoof/Parody Account/Site")
REDIRECTING = Technique("T0149.004", "Redirecting Domain Asset")
NEWS_SITE = Technique(
    "T0098.001", "Create Inauthentic News Sites", "T0098.001", "Create Inauthentic News Sites"
)
IMPERSONATED = Technique(
    "T0143.003", "Impersonated Persona", "T0099", "Prepare Assets Impersonating Legitimate Entities"
)
NEWS_OUTLET = Technique(
    "T0097.202", "News Outlet Persona", "T0099", "Prepare Assets Impersonating Legitimate Entities"
)
GOVERNMENT = Technique(
    "T0097.206", "Government Institution Persona", "T0099", "Prepare Assets Impersonating Legitimate Entities"
)
GEOBLOCKED = Technique("T0155.004", "Geoblocked Asset")


def techniques(report: DomainReport) -> tuple[Technique, ...]:
    """The techniques the evidence on one domain shows (see the module's docstring)."""
    found = [LOOKALIKE]
    if report.redirector:
        found.append(REDIRECTING)
    if report.impersonating:
        if report.government:
            found += [IMPERSONATED, GOVERNMENT]
        else:
            found += [NEWS_SITE, IMPERSONATED, NEWS_OUTLET]
    if report.verdict == "cloaked" and report.impersonating:
        found.append(GEOBLOCKED)
    return tuple(found)


def external_references(found: tuple[Technique, ...]) -> list[dict[str, str]]:
    """STIX external references: each technique under its current ID, and its older ID when it differs."""
    references = []
    for technique in found:
        references.append(
            {"source_name": "DISARM", "external_id": technique.id, "description": technique.name,
             "url": technique.url}
        )  # fmt: skip
        if technique.older_id is not None and technique.older_id != technique.id:
            references.append(
                {"source_name": "DISARM (before v1.4)", "external_id": technique.older_id,
                 "description": technique.older_name or technique.name}
            )  # fmt: skip
    return references
