"""bench/judge: the clone verdict on real saved pages (data, scoring, calibration by held-out outlets)."""
