#!/usr/bin/env python3
"""Write the LAG rename mapping (old name, new name) for review; the renames run elsewhere.

The mandate kept the window suffix (rename in place, not consolidation): lag_{pair}_{window}
becomes lag_{variant}_{pair}_{window}. This script only lists the LAG tables and writes the CSV.
"""
import csv

from google.cloud import bigquery

PROJECT_ID = "bqx-ml"
DATASET_ID = "bqx_ml_v3_features_v2"
OUTPUT_FILE = "LAG_RENAME_MAPPING.csv"


def main():
    client = bigquery.Client(project=PROJECT_ID)
    rows = client.query(
        f"SELECT table_id FROM `{PROJECT_ID}.{DATASET_ID}.__TABLES__` WHERE table_id LIKE 'lag_%'"
    ).result()
    with open(OUTPUT_FILE, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["old_name", "new_name"])
        for row in rows:
            if not row.table_id.startswith(("lag_idx_", "lag_bqx_")):
                writer.writerow([row.table_id, "lag_idx_" + row.table_id[4:]])


if __name__ == "__main__":
    main()
