"""Stopping the servers the test kits start."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM, and SIGKILL if ``process`` has not exited ``grace`` seconds later."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
