"""Evidence (and the genuine site's) -> verdict: what a suspect domain is, and the facts that decided it."""

from clonewatch.judge.verdict import Verdict, VerdictKind, judge

__all__ = ["Verdict", "VerdictKind", "judge"]
