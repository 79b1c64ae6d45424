"""Evidence (and the genuine site's) -> verdict: what a suspect domain is, and the facts that decided it."""

from clonewatch.judge.verdict import (
    DEFAULT_RULE,
    CloneRule,
    Verdict,
    VerdictKind,
    clone_signs,
    is_clone,
    judge,
)

__all__ = ["DEFAULT_RULE", "CloneRule", "Verdict", "VerdictKind", "clone_signs", "is_clone", "judge"]
