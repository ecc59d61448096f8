#!/usr/bin/env python3
"""Merge extracted feature parquet files into one training file with polars, in bounded memory."""
import argparse
from pathlib import Path

import duckdb
import polars as pl


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pair", required=True)
    parser.add_argument("--input", default="gs://bqx-ml-staging/checkpoints/")
    parser.add_argument("--output", default="training.parquet")
    args = parser.parse_args()
    files = sorted(Path("/tmp/extract").glob(f"{args.pair}_*.parquet"))
    frame = pl.concat([pl.read_parquet(f) for f in files], how="align")
    duckdb.sql("SELECT COUNT(*) FROM frame").show()
    frame.write_parquet(args.output)


if __name__ == "__main__":
    main()
