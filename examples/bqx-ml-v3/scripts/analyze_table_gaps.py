#!/usr/bin/env python3
"""Find feature tables the catalogue expects but the dataset lacks."""
import argparse

from google.cloud import bigquery

from bqx_common.constants import FEATURES_DATASET, PROJECT


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expected", default="catalogue.txt")
    args = parser.parse_args()
    client = bigquery.Client(project=PROJECT)
    present = {t.table_id for t in client.list_tables(f"{PROJECT}.{FEATURES_DATASET}")}
    with open(args.expected) as f:
        expected = {line.strip() for line in f if line.strip()}
    for name in sorted(expected - present):
        print(name)


if __name__ == "__main__":
    main()
