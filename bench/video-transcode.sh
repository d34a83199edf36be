#!/usr/bin/env bash
# The video worker's transcode against ffmpeg run directly with the same settings, on a 30-second
# 1080p clip made here with ffmpeg's test sources. The worker's run is a whole handler invocation
# (a new JVM, the S3 event, download from moto, ffprobe, the 720p and 480p renditions, the poster,
# upload, the audit trail) through LocalInvoke; ffmpeg's is the same three encodes from a local file.
# usage: bench/video-transcode.sh [RUNS]   — needs ffmpeg, moto_server and python3 with moto
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
./mvnw -q -B install -DskipTests -Dspotless.check.skip=true -pl core,handlers/runtime,handlers/video -am
work=$(mktemp -d); trap 'kill $moto 2>/dev/null; rm -rf "$work"' EXIT
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
chmod +x "$work/worker.sh" "$work/ffmpeg.sh"
echo "A = the video worker's transcode (JVM, S3, ffprobe, encodes, uploads, trail); B = ffmpeg directly"
# interleaved, A B A B ..., so that a drift of the machine's speed hits both alike
for i in $(seq "$runs"); do
  /usr/bin/time -f "A %e s wall, %M KB peak" "$work/worker.sh"
  /usr/bin/time -f "B %e s wall, %M KB peak" "$work/ffmpeg.sh"
done
