"""Reproducible benchmark of the read API on synthetic data (see bench/README.md)."""
