#!/usr/bin/env bash
# audit show and cost report as the audit table grows, on moto: SMALL attempts in the last day,
# then BIG more in the 29 days before: show should not change, and cost report --since 1d should follow
# its window (the same items), not the table.
# usage: bench/audit.sh [SMALL] [BIG] [RUNS]   (default 10000 40000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true
./mvnw -q -B -pl cli exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.s3proc.cli.bench.AuditBenchmark \
  -Dexec.args="${1:-10000} ${2:-40000} ${3:-3}" -Dexec.workingdir="$PWD"
