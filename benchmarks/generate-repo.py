#!/usr/bin/env python3
"""Generates the synthetic repository the inventory benchmark runs on.

FILES implementation files (~200 lines each, ~4 million lines in all by default) in nested folders,
committed in several batches so `git log` has real history to read. Deterministic: the same arguments
give the same tree (the same bytes as the former Node generator).

    python3 benchmarks/generate-repo.py OUT_DIR [FILES=20000]
"""
import os
import subprocess
import sys

seed = 42


def rand(n):
    # The former generator's LCG in JavaScript numbers: the product is a double, then truncated to 32 bits.
    global seed
    seed = int(float(seed) * 1103515245.0 + 12345.0) & 0x7FFFFFFF
    return seed % n


def pick(xs):
    return xs[rand(len(xs))]


PAIRS = ["eurusd", "gbpusd", "usdjpy", "audusd", "nzdusd", "usdcad", "usdchf", "eurgbp"]
TYPES = ["agg", "mom", "vol", "reg", "der", "rev"]
THIRD_PARTY = ["pandas as pd", "numpy as np", "polars as pl", "duckdb", "yaml", "requests", "pyarrow"]


def python(i):
    lines = [
        "#!/usr/bin/env python3",
        f'"""Synthetic feature job {i}: builds {pick(TYPES)} tables for {pick(PAIRS)}."""',
        "import argparse", "import json", "import os", "from concurrent.futures import ThreadPoolExecutor", "",
        "from google.cloud import bigquery", f"import {pick(THIRD_PARTY)}", "",
        "PAIRS = [" + ", ".join(f'"{p}"' for p in PAIRS) + "]",
        "FEATURE_TYPES = [" + ", ".join(f'"{t}"' for t in TYPES) + "]", "",
    ]
    f = 0
    while len(lines) < 190:
        f += 1
        lines += [
            f'def build_{f}(client, pair, variant="idx"):',
            f'    """Build table {f} for one pair."""',
            f'    table = f"{pick(TYPES)}_{{variant}}_{{pair}}"',
            '    sql = f"""',
            "        CREATE OR REPLACE TABLE `bqx-ml.bqx_ml_v3_features_v2.{table}` AS",
            f"        SELECT interval_time, AVG(close) OVER (ORDER BY interval_time ROWS {rand(90) + 10} PRECEDING) AS v",
            "        FROM `bqx-ml.bqx_bq_uscen1_v2.{pair}`",
            '    """',
            "    # run it and keep the job id",
            "    job = client.query(sql)",
            f'    return {{"table": table, "job": job.job_id, "rows": (job.result().total_rows or 0) * {f}}}',
            "",
        ]
    lines += [
        "def main():",
        "    parser = argparse.ArgumentParser(description=__doc__)",
        f'    parser.add_argument("--workers", type=int, default={rand(8) + 1})',
        '    parser.add_argument("--pair", choices=PAIRS)',
        "    args = parser.parse_args()",
        "    client = bigquery.Client()",
        "    with ThreadPoolExecutor(max_workers=args.workers) as pool:",
        "        results = list(pool.map(lambda p: build_1(client, p), PAIRS))",
        "    print(json.dumps(results))", "", "",
        'if __name__ == "__main__":', "    main()",
    ]
    return "\n".join(lines) + "\n"


def existing_job(files):
    """An existing file of the kind a reference needs (i % 20 decides the kind below)."""
    n = 20 * rand(files // 20)
    n += rand(14)
    return f"jobs/d{n % 50}/job_{n}.py"


def existing_dockerfile(files):
    n = 20 * rand(files // 20) + 17
    return f"docker/Dockerfile.{n + rand(2)}"


def shell(i, files):
    lines = ["#!/usr/bin/env bash", f"# Synthetic job runner {i}", "set -euo pipefail", "", f'PAIR="${{1:-{pick(PAIRS)}}}"', ""]
    while len(lines) < 195:
        lines.append(f"# step {len(lines)}: run one feature job and check its output")
        lines.append(f'echo "running step {len(lines)} for $PAIR"')
        job = existing_job(files)
        lines.append(f'python3 {job} --workers {rand(8) + 1} --pair "$PAIR"')
        lines += ['if [ "${DRY_RUN:-0}" = 1 ]; then', '  echo "dry run: skipping the check"', "else"]
        lines += ["  bq ls --max_results=1000 bqx-ml:bqx_ml_v3_features_v2 | wc -l", "fi", ""]
    return "\n".join(lines) + "\n"


def dockerfile(i):
    lines = [f"# Synthetic image {i}", "FROM python:3.11-slim", "WORKDIR /app", "COPY requirements.txt .",
             "RUN pip install --no-cache-dir -r requirements.txt"]
    while len(lines) < 150:
        lines.append("RUN pip install --no-cache-dir " + pick(["polars==0.20.3", "duckdb==0.9.2", "pandas>=2.0", "pyarrow"]))
        lines.append(f"ENV STEP_{len(lines)}={rand(1000)}")
    lines += ["COPY jobs/ jobs/", 'ENTRYPOINT ["python3", "jobs/d0/job_0.py"]']
    return "\n".join(lines) + "\n"


def cloudbuild(i, files):
    lines = [f"# Synthetic build {i}", "substitutions:", "  _REGION: us-central1", "steps:"]
    while len(lines) < 190:
        at = len(lines)
        image = existing_dockerfile(files)
        lines += ["  - name: gcr.io/cloud-builders/docker",
                  f'    args: ["build", "-f", "{image}", "-t", "${{_REGION}}-docker.pkg.dev/$PROJECT_ID/r/img:{at}", "."]']
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 2:
        print("usage: python3 generate-repo.py OUT_DIR [FILES]", file=sys.stderr)
        sys.exit(3)
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    if os.path.exists(os.path.join(out, ".git")):
        print(f"{out} exists; delete it to regenerate")
        return

    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com")

    def git(*args):
        subprocess.run(["git", "-c", "gc.auto=0", *args], cwd=out, env=env, check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def write(rel, text):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    os.makedirs(out, exist_ok=True)
    git("init", "-q", "-b", "main")
    write("requirements.txt", "google-cloud-bigquery>=3.0\npandas\npolars==0.20.3\n")
    batches = 10
    per_batch = -(-files // batches)
    lines = 0
    for i in range(files):
        k = i % 20
        if k < 14:
            rel, text = f"jobs/d{i % 50}/job_{i}.py", python(i)
        elif k < 17:
            rel, text = f"run/d{i % 20}/run_{i}.sh", shell(i, files)
        elif k < 19:
            rel, text = f"docker/Dockerfile.{i}", dockerfile(i)
        else:
            rel, text = f"build/cloudbuild-{i}.yaml", cloudbuild(i, files)
        write(rel, text)
        lines += text.count("\n")
        if (i + 1) % per_batch == 0 or i == files - 1:
            git("add", "-A")
            git("-c", "commit.gpgsign=false", "commit", "-q", "-m", f"batch ending at file {i}")
    print(f"generated {files} files, {lines} lines, {batches} commits in {out}")


if __name__ == "__main__":
    main()
