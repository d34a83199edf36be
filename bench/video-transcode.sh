#!/usr/bin/env bash
# The video worker's transcode against ffmpeg run directly with the same settings, on a 30-second
# 1080p clip made here with ffmpeg's test sources. Three commands, run interleaved:
#   A-warm  the heavy worker as it runs on ECS: one long-running process (HeavyWorker) taking the
#           upload's S3 event from its queue: download from moto, ffprobe, the 720p and 480p
#           renditions, the poster, the uploads, the audit trail, the message deleted. The command
#           sends the message and returns when the worker has deleted it.
#   A-cold  a whole handler invocation in a new JVM (LocalInvoke): A-warm plus the JVM's and the
#           SDK's start, as a Lambda cold start pays it.
#   B       the same three ffmpeg commands run directly from a local file.
# usage: bench/video-transcode.sh [RUNS]     — needs ffmpeg, curl, moto_server and python3 with moto
#        bench/video-transcode.sh --setup    — set up, print the three commands, and wait (Ctrl-C
#                                             ends it), to time them with another tool
set -euo pipefail
cd "$(dirname "$0")/.."
setup_only=false
if [ "${1:-}" = "--setup" ]; then setup_only=true; shift; fi
runs=${1:-3}
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true -pl core,handlers/runtime,handlers/video -am
work=$(mktemp -d); worker=""; trap 'kill $moto $worker 2>/dev/null; rm -rf "$work"' EXIT
clip=$work/clip.mp4
ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440 \
  -t 30 -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest "$clip"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
unzip -p core/target/s3proc-core-*.jar dev/s3proc/core/emulator/moto_server.py > "$work/moto_server.py" 2>/dev/null \
  || cp core/src/main/resources/dev/s3proc/core/emulator/moto_server.py "$work/moto_server.py"
python3 "$work/moto_server.py" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 & moto=$!
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AUDIT_TABLE=s3proc-audit OUTPUT_BUCKET=terminus-processed
until curl -s -o /dev/null "$AWS_ENDPOINT_URL/moto-api/"; do sleep 0.2; done
python3 - "$clip" <<'PY'
import boto3, sys
s3 = boto3.client("s3"); ddb = boto3.client("dynamodb")
for b in ("terminus-uploads", "terminus-processed"): s3.create_bucket(Bucket=b)
boto3.client("sqs").create_queue(QueueName="video-heavy")
s3.upload_file(sys.argv[1], "terminus-uploads", "uploads/videos/clip.mp4")
ddb.create_table(TableName="s3proc-audit", BillingMode="PAY_PER_REQUEST",
  AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "tb", "ts")],
  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  GlobalSecondaryIndexes=[{"IndexName": "byTime", "Projection": {"ProjectionType": "ALL"},
    "KeySchema": [{"AttributeName": "tb", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}]}])
PY
size=$(stat -c %s "$clip")
# a new sequencer each run, so that no run is a duplicate of the one before
cat > "$work/worker.sh" <<SH
#!/bin/sh
export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 \
  AUDIT_TABLE=s3proc-audit OUTPUT_BUCKET=terminus-processed
sed "s/SEQ/\$(date +%s%N)/" > "$work/event.json" <<JSON
{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-01-01T00:00:00.000Z",
 "s3":{"bucket":{"name":"terminus-uploads"},"object":{"key":"uploads/videos/clip.mp4","size":$size,"eTag":"x","sequencer":"SEQ"}}}]}
JSON
exec java -cp handlers/video/target/s3proc-video-handler.jar dev.s3proc.handlers.runtime.LocalInvoke \
  dev.s3proc.handlers.video.VideoHandler "$work/event.json" > /dev/null
SH
# ffmpeg directly: the same settings as VideoProcessor.settings and its poster
cat > "$work/ffmpeg.sh" <<SH
#!/bin/sh
set -e
for h in 720 480; do
  ffmpeg -nostdin -y -v error -i "$clip" -map 0:v:0 -map 0:a:0 -vf scale=-2:\$h -c:v libx264 -preset veryfast \
    -crf 23 -profile:v main -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart "$work/\$h.mp4"
done
ffmpeg -nostdin -y -v error -ss 1.00 -i "$clip" -frames:v 1 -vf "scale=-2:'min(ih,720)'" -q:v 3 "$work/poster.jpg"
SH
# the heavy worker, long-running, on its queue (SQS's query API through curl: no client's start-up
# counted against the worker)
queue=$AWS_ENDPOINT_URL/123456789012/video-heavy
QUEUE_URL=$queue HANDLER=dev.s3proc.handlers.video.VideoHandler VCPU=2 MEMORY_MB=4096 \
  java -cp handlers/video/target/s3proc-video-handler.jar dev.s3proc.handlers.runtime.HeavyWorker \
  > "$work/heavy-worker.log" 2>&1 & worker=$!
cat > "$work/warm.sh" <<SH
#!/bin/sh
body=\$(printf '{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-01-01T00:00:00.000Z","s3":{"bucket":{"name":"terminus-uploads"},"object":{"key":"uploads/videos/clip.mp4","size":$size,"eTag":"x","sequencer":"%s"}}}]}' "\$(date +%s%N)")
auth="Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"
# done when the worker has logged the file's metrics (its last act before deleting the message),
# seen by tail -f (inotify: no CPU taken from the encodes, as polling moto or the log would)
tail -n 0 --pid=\$\$ -f "$work/heavy-worker.log" 2>/dev/null | grep -m1 -q '"Files":1' &
waiter=\$!
curl -s -o /dev/null -H "\$auth" --data-urlencode "Action=SendMessage" --data-urlencode "MessageBody=\$body" "$queue"
wait \$waiter
SH
chmod +x "$work/worker.sh" "$work/ffmpeg.sh" "$work/warm.sh"
"$work/warm.sh" # the worker's first file: its JIT warms up, as a task's would on its first file
if $setup_only; then
  echo "A-warm: $work/warm.sh"
  echo "A-cold: $work/worker.sh"
  echo "B:      $work/ffmpeg.sh"
  echo "(Ctrl-C to stop moto and the worker)"
  wait "$worker"
fi
echo "A-warm = the heavy worker, long-running; A-cold = a new JVM per file; B = ffmpeg directly"
# interleaved, A B A B ..., so that a drift of the machine's speed hits both alike
for i in $(seq "$runs"); do
  /usr/bin/time -f "A-warm %e s wall" "$work/warm.sh"
  /usr/bin/time -f "B      %e s wall, %M KB peak" "$work/ffmpeg.sh"
  /usr/bin/time -f "A-cold %e s wall, %M KB peak" "$work/worker.sh"
  /usr/bin/time -f "B      %e s wall, %M KB peak" "$work/ffmpeg.sh"
done
