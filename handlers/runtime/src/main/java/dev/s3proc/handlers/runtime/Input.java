package dev.s3proc.handlers.runtime;

import dev.s3proc.core.event.S3ObjectEvent;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object being processed and where its outputs go. Counts what cost needs: GETs and PUTs, bytes
 * read and written.
 */
public final class Input {
  private final S3Client s3;
  private final S3ObjectEvent event;
  private final HandlerConfig config;
  final AtomicLong gets = new AtomicLong();
  final AtomicLong puts = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();
  final AtomicLong bytesWritten = new AtomicLong();

  private final java.time.Instant deadline;
  private final String step;

  Input(
      S3Client s3,
      S3ObjectEvent event,
      HandlerConfig config,
      java.time.Instant deadline,
      String step) {
    this.s3 = s3;
    this.event = event;
    this.config = config;
    this.deadline = deadline;
    this.step = step;
  }

  /**
   * The workflow step this attempt runs ({@code metadata}, {@code transcode}), as its state machine
   * names it; null outside a workflow.
   */
  public String step() {
    return step;
  }

  /**
   * When the attempt's time is up (the end of the Lambda invocation): work that cannot finish
   * before it should stop and say so, rather than be killed half-way.
   */
  public java.time.Instant deadline() {
    return deadline;
  }

  public S3ObjectEvent event() {
    return event;
  }

  public String bucket() {
    return event.bucket();
  }

  public String key() {
    return event.key();
  }

  public long size() {
    return event.size();
  }

  public HandlerConfig config() {
    return config;
  }

  /**
   * The S3 client, for what a processor does to the object itself beyond reading it (the scanner
   * moves an infected upload to quarantine); each such request is to be counted with {@link
   * #counted}.
   */
  public S3Client s3() {
    return s3;
  }

  /** Counts requests made through {@link #s3()} (PUT, COPY, LIST and DELETE class) for cost. */
  public void counted(int requests) {
    puts.addAndGet(requests);
  }

  /** The object's bytes, streamed: never held whole in memory by the runtime. */
  public InputStream open() {
    gets.incrementAndGet();
    InputStream in =
        s3.getObject(
            r -> {
              r.bucket(event.bucket()).key(event.key());
              if (event.versionId() != null) {
                r.versionId(event.versionId());
              }
            });
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  /**
   * Writes an output under the output prefix, next to a key derived from the source; returns its
   * s3:// URI.
   */
  public String put(String relativeKey, byte[] bytes, String contentType) {
    String bucket = config.outputBucket(event.bucket());
    String key = config.outputPrefix() + relativeKey;
    s3.putObject(
        r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    puts.incrementAndGet();
    bytesWritten.addAndGet(bytes.length);
    return "s3://" + bucket + "/" + key;
  }

  public String put(String relativeKey, Path file, String contentType) throws IOException {
    String bucket = config.outputBucket(event.bucket());
    String key = config.outputPrefix() + relativeKey;
    s3.putObject(
        r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
    puts.incrementAndGet();
    bytesWritten.addAndGet(java.nio.file.Files.size(file));
    return "s3://" + bucket + "/" + key;
  }
}
