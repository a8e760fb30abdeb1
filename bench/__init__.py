"""Benchmarks of summarizer: ``python -m bench`` runs them, writes JSON, updates README.

See ``bench/README.md`` for what each measures; ``python -m bench --help`` for options.
"""
