#!/usr/bin/env python3
"""Remediate the 364 primary-family tables that violate M008 naming.

- DELETE 12 duplicate primary tables (variant-less copies whose idx and bqx twins exist)
- RENAME the others to their compliant names
"""
import argparse
import json

from google.cloud import bigquery

from bqx_common.m008_rules import suggest_name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", default="m008_violations.json")
    parser.add_argument("--execute", action="store_true")
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    with open(args.report) as f:
        violations = json.load(f)
    for name in violations["duplicates"]:
        if args.execute:
            client.query(f"DROP TABLE `bqx-ml.bqx_ml_v3_features_v2.{name}`").result()
    for name in violations["renames"]:
        target = suggest_name(name)
        if args.execute:
            client.query(f"ALTER TABLE `bqx-ml.bqx_ml_v3_features_v2.{name}` RENAME TO {target}").result()


if __name__ == "__main__":
    main()
