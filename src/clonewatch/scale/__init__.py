"""Scale-out on Dask distributed: the heavy part of match, generate, probe and cluster as tasks.

Nothing here is imported unless a command is given ``--scheduler`` (or the watch config a
``[dask] scheduler``): Dask takes a second to load. :mod:`connect` reaches or starts the cluster,
:mod:`ranges` cuts big inputs into pieces the workers read themselves, :mod:`worker` is what a
worker keeps between tasks (its settings, matchers, probe pipelines), :mod:`service` runs
``clonewatch worker``, and one module per command sends its tasks and gathers what they return.
"""
