#!/usr/bin/env bash
# Client-mode redrive vs a plain SDK batched receive/send/delete loop at the same concurrency, and
# a native move task, on ElasticMQ (embedded, 127.0.0.1), interleaved in one run.
# usage: bench/dlq-redrive.sh [MESSAGES] [ROUNDS]   (default 10000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl cli -am test-compile -Dspotless.check.skip=true
./mvnw -q -B -pl cli exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.s3proc.cli.bench.RedriveBenchmark -Dexec.args="${1:-10000} ${2:-3}"
