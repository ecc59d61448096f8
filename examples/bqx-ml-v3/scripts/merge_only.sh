#!/usr/bin/env bash
# Merge-only Cloud Run job: merge one pair's checkpoints into a training file.
PAIR="${1:-eurusd}"
gsutil -m cp "gs://bqx-ml-staging/checkpoints/${PAIR}/*.parquet" /tmp/extract/
python3 scripts/merge_with_polars_safe.py --pair "$PAIR" --output "/tmp/${PAIR}_training.parquet"
gsutil cp "/tmp/${PAIR}_training.parquet" "gs://bqx-ml-staging/training/"
