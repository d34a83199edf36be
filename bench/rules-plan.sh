#!/usr/bin/env bash
# s3proc's start-up, a real `rules plan` and `dlq list` against the AWS CLI, side by side on one moto_server.
# usage: bench/rules-plan.sh [RUNS]   (default 15)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-15}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER=""

# the moto `local up` and the tests start: moto_server with s3proc's fixes and tunes (README)
if python3 -c 'import moto.server' 2>/dev/null; then
  python3 "$root/core/src/main/resources/dev/s3proc/core/emulator/moto_server.py" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
else
  moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
fi
moto=$!
trap 'kill $moto 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "$endpoint/moto-api/" >/dev/null && break; sleep 0.1; done

cache="${XDG_CACHE_HOME:-$HOME/.cache}/s3proc"
# Runs a command once, then waits for the archive training it started in the background (one at a
# time), so that every command below is timed with its own archive.
warm() {
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 120); do [[ -d "$cache/.training" ]] || break; sleep 1; done
}
warm "$root/s3proc" --version   # builds the jar if needed; trains the general archive
aws --endpoint-url "$endpoint" s3api create-bucket --bucket terminus-uploads >/dev/null
aws --endpoint-url "$endpoint" s3api create-bucket --bucket terminus-processed >/dev/null
aws --endpoint-url "$endpoint" s3api create-bucket --bucket terminus-quarantine >/dev/null
"$root/s3proc" rules apply --yes -q -f "$root/config/pipeline.yaml" --endpoint-url "$endpoint" >/dev/null
warm "$root/s3proc" rules plan -q -f "$root/config/pipeline.yaml" --endpoint-url "$endpoint"
warm "$root/s3proc" dlq list --endpoint-url "$endpoint"

echo "s3proc $("$root/s3proc" --version | cut -d' ' -f2-) vs $(aws --version 2>&1 | cut -d' ' -f1)"
python3 "$root/bench/timing.py" "$runs" \
  "aws --version=aws --version" \
  "s3proc --version=$root/s3proc --version"
python3 "$root/bench/timing.py" "$runs" \
  "aws s3api get-bucket-notification-configuration=aws --endpoint-url $endpoint s3api get-bucket-notification-configuration --bucket terminus-uploads" \
  "s3proc rules plan (39 calls, 9 services)=$root/s3proc rules plan -q -f $root/config/pipeline.yaml --endpoint-url $endpoint"
python3 "$root/bench/timing.py" "$runs" \
  "aws sqs list-queues=aws --endpoint-url $endpoint sqs list-queues" \
  "s3proc dlq list=$root/s3proc dlq list --endpoint-url $endpoint"
