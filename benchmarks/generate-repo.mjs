#!/usr/bin/env node
// Generates the synthetic repository the inventory benchmark runs on: FILES implementation files
// (~200 lines each, ~4 million lines in all by default) in nested folders, committed in several
// batches so `git log` has real history to read. Deterministic: the same arguments give the same tree.
//
//   node benchmarks/generate-repo.mjs OUT_DIR [FILES=20000]
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { execFileSync } from "node:child_process";

const out = process.argv[2];
const files = Number(process.argv[3] ?? 20000);
if (!out) {
  console.error("usage: node generate-repo.mjs OUT_DIR [FILES]");
  process.exit(3);
}
if (existsSync(join(out, ".git"))) {
  console.log(`${out} exists; delete it to regenerate`);
  process.exit(0);
}

let seed = 42;
const rand = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
const pick = (xs) => xs[rand(xs.length)];
const pairs = ["eurusd", "gbpusd", "usdjpy", "audusd", "nzdusd", "usdcad", "usdchf", "eurgbp"];
const types = ["agg", "mom", "vol", "reg", "der", "rev"];
const thirdParty = ["pandas as pd", "numpy as np", "polars as pl", "duckdb", "yaml", "requests", "pyarrow"];

function python(i) {
  const lines = [
    "#!/usr/bin/env python3",
    `"""Synthetic feature job ${i}: builds ${pick(types)} tables for ${pick(pairs)}."""`,
    "import argparse", "import json", "import os", "from concurrent.futures import ThreadPoolExecutor", "",
    "from google.cloud import bigquery", `import ${pick(thirdParty)}`, "",
    `PAIRS = [${pairs.map((p) => `"${p}"`).join(", ")}]`,
    `FEATURE_TYPES = [${types.map((t) => `"${t}"`).join(", ")}]`, "",
  ];
  let f = 0;
  while (lines.length < 190) {
    f++;
    lines.push(
      `def build_${f}(client, pair, variant="idx"):`,
      `    """Build table ${f} for one pair."""`,
      `    table = f"${pick(types)}_{variant}_{pair}"`,
      `    sql = f"""`,
      `        CREATE OR REPLACE TABLE \`bqx-ml.bqx_ml_v3_features_v2.{table}\` AS`,
      `        SELECT interval_time, AVG(close) OVER (ORDER BY interval_time ROWS ${rand(90) + 10} PRECEDING) AS v`,
      `        FROM \`bqx-ml.bqx_bq_uscen1_v2.{pair}\``,
      `    """`,
      `    # run it and keep the job id`,
      `    job = client.query(sql)`,
      `    return {"table": table, "job": job.job_id, "rows": (job.result().total_rows or 0) * ${f}}`,
      "",
    );
  }
  lines.push(
    "def main():",
    "    parser = argparse.ArgumentParser(description=__doc__)",
    `    parser.add_argument("--workers", type=int, default=${rand(8) + 1})`,
    `    parser.add_argument("--pair", choices=PAIRS)`,
    "    args = parser.parse_args()",
    "    client = bigquery.Client()",
    "    with ThreadPoolExecutor(max_workers=args.workers) as pool:",
    "        results = list(pool.map(lambda p: build_1(client, p), PAIRS))",
    "    print(json.dumps(results))", "", "",
    'if __name__ == "__main__":', "    main()",
  );
  return lines.join("\n") + "\n";
}

// Index of an existing file of the kind a reference needs (i % 20 decides the kind below).
const existingJob = () => { const n = 20 * rand(Math.floor(files / 20)) + rand(14); return `jobs/d${n % 50}/job_${n}.py`; };
const existingDockerfile = () => `docker/Dockerfile.${20 * rand(Math.floor(files / 20)) + 17 + rand(2)}`;

function shell(i) {
  const lines = ["#!/usr/bin/env bash", `# Synthetic job runner ${i}`, "set -euo pipefail", "", `PAIR="\${1:-${pick(pairs)}}"`, ""];
  while (lines.length < 195) {
    lines.push(`# step ${lines.length}: run one feature job and check its output`);
    lines.push(`echo "running step ${lines.length} for $PAIR"`);
    lines.push(`python3 ${existingJob()} --workers ${rand(8) + 1} --pair "$PAIR"`);
    lines.push(`if [ "\${DRY_RUN:-0}" = 1 ]; then`, `  echo "dry run: skipping the check"`, "else");
    lines.push(`  bq ls --max_results=1000 bqx-ml:bqx_ml_v3_features_v2 | wc -l`, "fi", "");
  }
  return lines.join("\n") + "\n";
}

function dockerfile(i) {
  const lines = [`# Synthetic image ${i}`, "FROM python:3.11-slim", "WORKDIR /app", "COPY requirements.txt .",
    "RUN pip install --no-cache-dir -r requirements.txt"];
  while (lines.length < 150) {
    lines.push(`RUN pip install --no-cache-dir ${pick(["polars==0.20.3", "duckdb==0.9.2", "pandas>=2.0", "pyarrow"])}`);
    lines.push(`ENV STEP_${lines.length}=${rand(1000)}`);
  }
  lines.push("COPY jobs/ jobs/", `ENTRYPOINT ["python3", "jobs/d0/job_0.py"]`);
  return lines.join("\n") + "\n";
}

function cloudbuild(i) {
  const lines = [`# Synthetic build ${i}`, "substitutions:", "  _REGION: us-central1", "steps:"];
  while (lines.length < 190) {
    lines.push("  - name: gcr.io/cloud-builders/docker",
      `    args: ["build", "-f", "${existingDockerfile()}", "-t", "\${_REGION}-docker.pkg.dev/$PROJECT_ID/r/img:${lines.length}", "."]`);
  }
  return lines.join("\n") + "\n";
}

const write = (rel, text) => { const p = join(out, rel); mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, text); };
const git = (...args) => execFileSync("git", ["-c", "gc.auto=0", ...args], { cwd: out, stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@example.com", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@example.com" } });

mkdirSync(out, { recursive: true });
git("init", "-q", "-b", "main");
write("requirements.txt", "google-cloud-bigquery>=3.0\npandas\npolars==0.20.3\n");
const batches = 10;
let lines = 0;
for (let i = 0; i < files; i++) {
  const k = i % 20;
  let rel, text;
  if (k < 14) { rel = `jobs/d${i % 50}/job_${i}.py`; text = python(i); }
  else if (k < 17) { rel = `run/d${i % 20}/run_${i}.sh`; text = shell(i); }
  else if (k < 19) { rel = `docker/Dockerfile.${i}`; text = dockerfile(i); }
  else { rel = `build/cloudbuild-${i}.yaml`; text = cloudbuild(i); }
  write(rel, text);
  lines += text.split("\n").length - 1;
  if ((i + 1) % Math.ceil(files / batches) === 0 || i === files - 1) {
    git("add", "-A");
    git("-c", "commit.gpgsign=false", "commit", "-q", "-m", `batch ending at file ${i}`);
  }
}
console.log(`generated ${files} files, ${lines} lines, ${batches} commits in ${out}`);
