#!/usr/bin/env bash
# Extract-only Cloud Run job: extract one pair's feature tables to GCS checkpoints.
set -euo pipefail

PAIR="${1:-eurusd}"
gcloud config set project bqx-ml
python3 pipelines/training/parallel_feature_testing.py --pair "$PAIR" --workers 8 --dry-run
gsutil ls "gs://bqx-ml-staging/checkpoints/${PAIR}/" | wc -l
