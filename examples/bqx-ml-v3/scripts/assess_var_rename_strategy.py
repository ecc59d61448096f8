#!/usr/bin/env python3
"""Assess how to rename the non-compliant VAR tables, and write the recommendation as Markdown.

Lists the VAR tables without a variant, samples each one, and writes VAR_RENAME_STRATEGY.md with
the ALTER TABLE statements a person would run. It renames nothing itself.
"""
import logging

from google.cloud import bigquery

PROJECT_ID = "bqx-ml"
DATASET_ID = "bqx_ml_v3_features_v2"
REPORT = "VAR_RENAME_STRATEGY.md"

logging.basicConfig(level=logging.INFO)
log = logging.getLogger(__name__)


def variantless_var_tables(client):
    query = f"""
    SELECT table_id FROM `{PROJECT_ID}.{DATASET_ID}.__TABLES__`
    WHERE table_id LIKE 'var_%' AND table_id NOT LIKE 'var_%_idx_%' AND table_id NOT LIKE 'var_%_bqx_%'
    """
    return [row.table_id for row in client.query(query).result()]


def main():
    client = bigquery.Client(project=PROJECT_ID)
    tables = variantless_var_tables(client)
    with open(REPORT, "w") as f:
        f.write("# VAR rename strategy\n\n")
        for name in tables:
            parts = name.split("_")
            new_name = f"{parts[0]}_{parts[1]}_idx_{parts[2]}"
            log.info("would rename %s to %s", name, new_name)
            f.write(f"ALTER TABLE `{PROJECT_ID}.{DATASET_ID}.{name}` RENAME TO {new_name};\n")


if __name__ == "__main__":
    main()
