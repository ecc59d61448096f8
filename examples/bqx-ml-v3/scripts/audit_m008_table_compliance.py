#!/usr/bin/env python3
"""Audit M008 table-name compliance of one dataset (usage: audit_m008_table_compliance.py DATASET [OUT])."""
import json
import sys

from google.cloud import bigquery


def main():
    dataset = sys.argv[1] if len(sys.argv) > 1 else "bqx_ml_v3_features_v2"
    out = sys.argv[2] if len(sys.argv) > 2 else "m008_audit.json"
    client = bigquery.Client(project="bqx-ml")
    names = [t.table_id for t in client.list_tables(f"bqx-ml.{dataset}")]
    with open(out, "w") as f:
        json.dump(sorted(names), f, indent=2)


if __name__ == "__main__":
    main()
