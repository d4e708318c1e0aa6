"""Benchmarks, run by hand from the checkout's root as modules: `python -m bench.quality`, `python -m bench.dedup`…

As modules they import the project (installed editable) and the development tools (fixture_tools/) without
touching sys.path, and this folder never comes first on the path, where bench/incremental.py would shadow the
`incremental` package that Twisted imports."""
