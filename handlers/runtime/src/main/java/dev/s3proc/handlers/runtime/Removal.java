package dev.s3proc.handlers.runtime;

import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.core.event.S3ObjectEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a removal event (ObjectRemoved, LifecycleExpiration) does: when the object is gone, deletes
 * what was derived from it — the outputs its successful attempts recorded, and only those inside
 * the processor's own folders of the output location. The object is asked for first: removal events
 * can arrive late or twice, and one that arrives after the key was uploaded again must not delete
 * the new upload's outputs.
 */
final class Removal {
  private final S3Client s3;
  private final AuditTrail trail;
  private final HandlerConfig config;
  private final Processor processor;

  Removal(S3Client s3, AuditTrail trail, HandlerConfig config, Processor processor) {
    this.s3 = s3;
    this.trail = trail;
    this.config = config;
    this.processor = processor;
  }

  Processor.Result run(S3ObjectEvent event, Input input) {
    String current = currentVersion(event, input);
    if (current != null) {
      return new Processor.Result(
          List.of(),
          Map.of(
              "note",
              "s3://"
                  + event.bucket()
                  + "/"
                  + event.key()
                  + " still exists"
                  + (current.isEmpty() ? "" : " (current version " + current + ")")
                  + ": its outputs are kept"));
    }
    List<String> derived =
        trail.object(event.bucket(), event.key()).attempts().stream()
            .filter(r -> r.status() == Status.SUCCEEDED)
            .flatMap(r -> r.outputs().stream())
            .distinct()
            .toList();
    List<String> removed = new ArrayList<>();
    int refused = 0;
    for (String uri : derived) {
      String bucket = uri.replaceFirst("^s3://([^/]+)/.*$", "$1");
      String key = uri.replaceFirst("^s3://[^/]+/", "");
      if (!mine(event, bucket, key)) {
        refused++;
        continue;
      }
      s3.deleteObject(r -> r.bucket(bucket).key(key));
      removed.add(uri);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("removed", Integer.toString(removed.size()));
    if (derived.isEmpty()) {
      metadata.put("note", "nothing had been derived from it");
    } else if (refused > 0) {
      metadata.put(
          "note",
          refused
              + " recorded output(s) outside "
              + processor.name()
              + "'s folders "
              + processor.folders()
              + " of the output location left alone");
    }
    return new Processor.Result(removed, metadata);
  }

  /**
   * The object's current version ("" on an unversioned bucket), or null when it is gone. A HEAD
   * that finds a delete marker, or no key, is a 404; a caller without s3:ListBucket (the template
   * grants none) is told 403 for a missing key, and can read every key it was sent, so a 403 is
   * gone too.
   */
  private String currentVersion(S3ObjectEvent event, Input input) {
    input.gets.incrementAndGet();
    try {
      HeadObjectResponse head = s3.headObject(r -> r.bucket(event.bucket()).key(event.key()));
      return head.versionId() == null || "null".equals(head.versionId()) ? "" : head.versionId();
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 || e.statusCode() == 403) {
        return null;
      }
      throw e;
    }
  }

  /** An output of this object, in this processor's folders of the output location. */
  private boolean mine(S3ObjectEvent event, String bucket, String key) {
    if (!bucket.equals(config.outputBucket(event.bucket()))
        || !key.startsWith(config.outputPrefix())) {
      return false;
    }
    String relative = key.substring(config.outputPrefix().length());
    String encoded = OutputKeys.encode(event.key());
    return processor.folders().stream()
        .anyMatch(
            f ->
                relative.equals(f + encoded)
                    || relative.startsWith(f + encoded + "/")
                    || relative.startsWith(f + encoded + "."));
  }
}
