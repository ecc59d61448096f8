#!/usr/bin/env python3
"""Rename the 7 VAR tables to var_{feature_type}_{variant}_{currency}."""
import argparse

from google.cloud import bigquery

RENAMES = {
    "var_agg_usd": "var_agg_idx_usd",
    "var_agg_eur": "var_agg_idx_eur",
    "var_mom_gbp": "var_mom_idx_gbp",
    "var_mom_jpy": "var_mom_idx_jpy",
    "var_vol_aud": "var_vol_idx_aud",
    "var_vol_nzd": "var_vol_idx_nzd",
    "var_vol_cad": "var_vol_idx_cad",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    client = bigquery.Client(project="bqx-ml")
    for old, new in sorted(RENAMES.items()):
        sql = f"ALTER TABLE `bqx-ml.bqx_ml_v3_features_v2.{old}` RENAME TO {new}"
        print(sql)
        if not args.dry_run:
            client.query(sql).result()


if __name__ == "__main__":
    main()
