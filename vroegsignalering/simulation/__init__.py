"""The what-if simulation (`vroeg processes simulate`, the page beside a draft): a diagram run over a simulated
period on a scratch database, with the real engine and an injected clock.

`params.py` the parameters and their documented defaults, `inputs.py` the municipality's own rates (signals per
partner type and month, reach per channel and part of day) with the Divosa fallbacks, `arrivals.py` the seeded signals,
`staffing.py` the counsellors who decide when tasks get done and how contact attempts turn out, `run.py` one run on a
scratch database and `compare.py` the draft beside the running version. The day loop follows `vroeg demo`
(demo.py): the same import of signals through the real intake, the same clock moved day by day, and the demo's form
data for the tasks (demo_work.py)."""
