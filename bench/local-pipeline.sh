#!/usr/bin/env bash
# N uploads at R per second through the local pipeline (moto, the runner, the image handler jar),
# upload-to-SUCCEEDED latency p50/p95/p99 from the audit trail.
# usage: bench/local-pipeline.sh [N] [RATE] [ROUNDS]   (default 1000 10 3: a 10x spike on 100,000 a day, three fresh stacks)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
./mvnw -q -B -pl cli exec:exec -Dexec.classpathScope=test -Dexec.executable=java -Dexec.workingdir="$PWD" \
  -Dexec.args="-cp %classpath dev.s3proc.cli.bench.PipelineBenchmark ${1:-1000} ${2:-10} ${3:-3}"
