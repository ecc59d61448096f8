#!/usr/bin/env python3
"""Generate CORR tables: rolling correlation of each pair with market assets.

The query template below was left unterminated during an edit, so the file does not parse.
"""
from google.cloud import bigquery

ASSETS = ["spx", "vix", "gold"]

QUERY = """
    CREATE OR REPLACE TABLE `bqx-ml.bqx_ml_v3_features_v2.corr_etf_idx_{pair}_{asset}` AS
    SELECT interval_time, CORR(a.close, b.close) OVER w AS corr
    FROM `bqx-ml.bqx_bq_uscen1_v2.{pair}` a


def main():
    client = bigquery.Client(project="bqx-ml")
    for asset in ASSETS:
        client.query(QUERY.format(pair="eurusd", asset=asset)).result()


if __name__ == "__main__":
    main()
