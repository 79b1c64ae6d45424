"""bench/probe: `clonewatch probe` speed, memory and verdict accuracy on the local probe lab."""
