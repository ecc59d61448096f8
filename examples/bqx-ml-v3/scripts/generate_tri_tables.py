#!/usr/bin/env python3
"""Generate TRI tables (triangular arbitrage features) for every currency triangle.

Each table is tri_{feature_type}_{variant}_{c1}_{c2}_{c3} with the three currencies in
alphabetical order, built from the source pair tables in bqx_bq_uscen1_v2.
"""
import argparse
import itertools
import logging
from concurrent.futures import ThreadPoolExecutor

from google.cloud import bigquery
import pandas as pd

from bqx_common.constants import PROJECT, FEATURES_DATASET

CURRENCIES = ["aud", "cad", "chf", "eur", "gbp", "jpy", "nzd", "usd"]
FEATURE_TYPES = ["agg", "mom", "vol"]
VARIANTS = ["idx", "bqx"]

log = logging.getLogger(__name__)


def build_table(client, feature_type, variant, c1, c2, c3):
    table_id = f"tri_{feature_type}_{variant}_{c1}_{c2}_{c3}"
    sql = f"""
        CREATE OR REPLACE TABLE `bqx-ml.bqx_ml_v3_features_v2.{table_id}` AS
        SELECT a.interval_time, a.close / b.close AS cross_rate
        FROM `bqx-ml.bqx_bq_uscen1_v2.{c1}{c2}` a
        JOIN `bqx-ml.bqx_bq_uscen1_v2.{c2}{c3}` b USING (interval_time)
    """
    client.query(sql).result()
    return table_id


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8, help="parallel table builds")
    parser.add_argument("--dry-run", action="store_true", help="print the tables only")
    args = parser.parse_args()

    client = bigquery.Client(project=PROJECT)
    jobs = []
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for feature_type in FEATURE_TYPES:
            for variant in VARIANTS:
                for c1, c2, c3 in itertools.combinations(CURRENCIES, 3):
                    if args.dry_run:
                        print(f"tri_{feature_type}_{variant}_{c1}_{c2}_{c3}")
                        continue
                    jobs.append(pool.submit(build_table, client, feature_type, variant, c1, c2, c3))
    frame = pd.DataFrame({"table": [j.result() for j in jobs]})
    log.info("built %d tables in %s", len(frame), FEATURES_DATASET)


if __name__ == "__main__":
    main()
