#!/usr/bin/env bash
# Orchestrate the bifurcated pipeline: extract, merge, validate, audit.
set -euo pipefail

PAIR="${1:-eurusd}"
bash scripts/extract_only.sh "$PAIR"
bash scripts/merge_only.sh "$PAIR"
bash scripts/validate_training_file.sh "/tmp/${PAIR}_training.parquet"
python3 scripts/audit_m008_table_compliance.py bqx_ml_v3_features_v2 --output audit.json
bq ls --max_results=10000 bqx-ml:bqx_ml_v3_features_v2 | wc -l
