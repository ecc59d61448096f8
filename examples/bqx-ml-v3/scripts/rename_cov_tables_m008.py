#!/usr/bin/env python3
"""Rename COV tables to the M008 standard (pairs in alphabetical order).

Asks for confirmation before renaming, which stalls when it runs unattended in Cloud Run.
"""
import argparse
import csv

from google.cloud import bigquery


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", required=True, help="CSV of source,target names")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    client = bigquery.Client(project="bqx-ml")
    with open(args.plan, newline="") as f:
        rows = list(csv.DictReader(f))
    answer = input(f"Rename {len(rows)} tables? [y/N] ")
    if answer.lower() != "y":
        return
    for row in rows:
        sql = f"ALTER TABLE `bqx-ml.bqx_ml_v3_features_v2.{row['source']}` RENAME TO {row['target']}"
        if args.dry_run:
            print(sql)
        else:
            client.query(sql).result()


if __name__ == "__main__":
    main()
