#!/usr/bin/env bash
# PII detection throughput on text (the pii processor's reader and scanner, in one warm JVM): the
# labelled set repeated to MB megabytes, RUNS timed passes after two warm-ups, median MB/s.
# Two texts: the labelled set (a finding every 80 bytes: the worst case) and prose (Debian's licence
# texts, /usr/share/common-licenses: few digits, no personal data).
# usage: bench/pii.sh [MB] [RUNS]   (default 16 5)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true -pl handlers/pii -am
prose=$(mktemp); trap 'rm -f "$prose"' EXIT
cat /usr/share/common-licenses/* > "$prose"
jar=handlers/pii/target/s3proc-pii-handler.jar
./mvnw -q -B test-compile -pl handlers/pii -Dspotless.check.skip=true
echo "labelled set (dense):"
java -cp "$jar:handlers/pii/target/test-classes" dev.s3proc.handlers.pii.PiiBenchmark "${1:-16}" "${2:-5}" | tail -1
echo "prose ($(wc -c < "$prose") bytes of licence texts, repeated):"
java -cp "$jar:handlers/pii/target/test-classes" dev.s3proc.handlers.pii.PiiBenchmark "${1:-16}" "${2:-5}" "$prose" | tail -1
