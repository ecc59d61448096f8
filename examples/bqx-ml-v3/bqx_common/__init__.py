"""Shared helpers for the BQX ML V3 scripts: project constants and the BigQuery client."""
