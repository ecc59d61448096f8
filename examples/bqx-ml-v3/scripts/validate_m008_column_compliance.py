#!/usr/bin/env python3
"""Check the column names of the feature catalogue against M008 and write a report.

Reads the catalogue JSON and writes M008_COLUMN_REPORT.md; it queries no table and counts no rows.
"""
import json
import re

from tabulate import tabulate

COLUMN = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def main():
    with open("intelligence/feature_catalogue.json") as f:
        catalogue = json.load(f)
    bad = [c for c in catalogue["columns"] if not COLUMN.match(c)]
    with open("M008_COLUMN_REPORT.md", "w") as f:
        f.write(tabulate([[c] for c in bad], headers=["non-compliant column"], tablefmt="github"))
    print(f"{len(bad)} non-compliant columns")


if __name__ == "__main__":
    main()
