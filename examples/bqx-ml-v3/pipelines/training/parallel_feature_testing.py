#!/usr/bin/env python3
"""Extract every feature table of one pair to parquet checkpoints, in parallel processes."""
import argparse
from concurrent.futures import ProcessPoolExecutor

from google.cloud import bigquery
from google.cloud import storage


def extract(pair, table):
    client = bigquery.Client(project="bqx-ml")
    frame = client.query(f"SELECT * FROM `bqx-ml.bqx_ml_v3_features_v2.{table}`").to_dataframe()
    path = f"/tmp/extract/{pair}_{table}.parquet"
    frame.to_parquet(path)
    storage.Client().bucket("bqx-ml-staging").blob(f"checkpoints/{pair}/{table}.parquet").upload_from_filename(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pair", required=True)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    tables = [t.table_id for t in client.list_tables("bqx-ml.bqx_ml_v3_features_v2") if args.pair in t.table_id]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(extract, [args.pair] * len(tables), tables))


if __name__ == "__main__":
    main()
