#!/usr/bin/env python3
"""Generate VAR tables (currency-family variance) per feature type, variant and currency.

The IDX variant keeps the first release's names, var_{feature_type}_{currency}, without a
variant word; the BQX variant is written as var_{feature_type}_bqx_{currency}.
"""
import argparse

from google.cloud import bigquery

from bqx_common.constants import CURRENCIES, FEATURES_DATASET, PROJECT

FEATURE_TYPES = ["agg", "mom", "vol"]


def main():
    parser = argparse.ArgumentParser(description="VAR table generation")
    parser.add_argument("--variant", choices=["idx", "bqx"], default="idx")
    args = parser.parse_args()
    client = bigquery.Client(project=PROJECT)
    for feature_type in FEATURE_TYPES:
        for currency in CURRENCIES:
            if args.variant == "idx":
                output_table = f"var_{feature_type}_{currency}"
            else:
                output_table = f"var_{feature_type}_bqx_{currency}"
            client.query(
                f"CREATE OR REPLACE TABLE `{PROJECT}.{FEATURES_DATASET}.{output_table}` AS "
                f"SELECT interval_time, VARIANCE(close) AS var FROM `{PROJECT}.bqx_bq_uscen1_v2.{currency}_family` GROUP BY interval_time"
            ).result()


if __name__ == "__main__":
    main()
