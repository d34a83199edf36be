#!/bin/sh
# The scan function's entry point, once per container (a cold start): the image's signatures
# copied to /tmp (Lambda's only writable place), brought up to date from SIGNATURES_BUCKET (where
# SignatureUpdateFunction's freshclam keeps them; a failure keeps the image's, and the versions
# recorded with every verdict show their age), clamd started on a unix socket and waited for, then
# the Java runtime interface client running the handler named by CMD.
set -eu
DB=/tmp/clamav
JAR=/opt/s3proc/s3proc-scan-handler.jar
mkdir -p "$DB"
cp -n /var/lib/clamav/*.c?d "$DB"/ 2>/dev/null || true
case "$1" in
  *ScanHandler*)
    java -XX:TieredStopAtLevel=1 -cp "$JAR" dev.s3proc.handlers.scan.Signatures "$DB"
    clamd --config-file=/opt/s3proc/clamd.conf
    i=0
    until [ -S /tmp/clamd.sock ] || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
    ;;
esac
exec java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
  -cp "$JAR:/opt/aws-lambda-java-runtime-interface-client.jar" \
  com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$@"
