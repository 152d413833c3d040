"""Running cases: the step pipeline, timers and their sweep, deadlines and re-timing, failed steps, read-only views of a
workflow, reassignment."""
