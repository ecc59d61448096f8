#!/usr/bin/env python3
"""Validate row-count parity between each renamed table and its source (CSV of source,target)."""
import argparse
import csv
import sys

from google.cloud import bigquery
from tabulate import tabulate


def count(client, table):
    sql = f"SELECT COUNT(*) AS n FROM `bqx-ml.bqx_ml_v3_features_v2.{table}`"
    return next(iter(client.query(sql).result())).n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", required=True, help="CSV of source,target names")
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    failures = []
    with open(args.plan, newline="") as f:
        for row in csv.DictReader(f):
            a, b = count(client, row["source"]), count(client, row["target"])
            if a != b:
                failures.append([row["source"], row["target"], a, b])
    print(tabulate(failures, headers=["source", "target", "source rows", "target rows"]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
