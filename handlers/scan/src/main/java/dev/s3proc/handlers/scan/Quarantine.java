package dev.s3proc.handlers.scan;

import dev.s3proc.handlers.runtime.Input;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

/**
 * What happens to an infected upload: tagged ({@code s3proc-verdict=INFECTED}, the signature, the
 * upload's ETag), copied to {@code QUARANTINE_PREFIX<bucket>/<key>} in {@code QUARANTINE_BUCKET}
 * with those tags, and — unless {@code QUARANTINE_REMOVE} is false — removed from where it was
 * uploaded (the infected version itself, on a versioned bucket). Each step can be repeated: a retry
 * after a crash between them does them again, and a retry that finds the upload already gone finds
 * its quarantined copy instead ({@link #alreadyQuarantined}).
 */
final class Quarantine {
  static final String VERDICT_TAG = "s3proc-verdict";
  static final String SIGNATURE_TAG = "s3proc-signature";
  static final String ETAG_TAG = "s3proc-source-etag";

  private final String bucket;
  private final String prefix;
  private final boolean removeOriginal;

  Quarantine(Map<String, String> env) {
    String b = env.get("QUARANTINE_BUCKET");
    this.bucket = b == null || b.isBlank() ? null : b;
    this.prefix = env.getOrDefault("QUARANTINE_PREFIX", "quarantine/");
    this.removeOriginal = !"false".equalsIgnoreCase(env.getOrDefault("QUARANTINE_REMOVE", "true"));
  }

  /** What was done, for the trail: where the copy is, whether the upload was removed. */
  Map<String, String> isolate(Input input, String signature) {
    S3Client s3 = input.s3();
    List<Tag> tags = new ArrayList<>();
    tags.add(tag(VERDICT_TAG, "INFECTED"));
    tags.add(tag(SIGNATURE_TAG, signature));
    if (input.event().eTag() != null) {
      tags.add(tag(ETAG_TAG, input.event().eTag()));
    }
    Map<String, String> done = new LinkedHashMap<>();
    // the upload's own tags are kept: read, merged, written back
    List<Tag> merged = new ArrayList<>(tags);
    s3
        .getObjectTagging(
            r -> r.bucket(input.bucket()).key(input.key()).versionId(input.event().versionId()))
        .tagSet()
        .stream()
        .filter(t -> tags.stream().noneMatch(x -> x.key().equals(t.key())))
        .forEach(merged::add);
    s3.putObjectTagging(
        r ->
            r.bucket(input.bucket())
                .key(input.key())
                .versionId(input.event().versionId())
                .tagging(t -> t.tagSet(merged.size() > 10 ? merged.subList(0, 10) : merged)));
    input.counted(2);
    done.put("tagged", "true");
    if (bucket == null) {
      done.put("quarantine", "none configured: tagged where it is");
      return done;
    }
    String target = target(input);
    s3.copyObject(
        r ->
            r.sourceBucket(input.bucket())
                .sourceKey(input.key())
                .sourceVersionId(input.event().versionId())
                .destinationBucket(bucket)
                .destinationKey(target)
                .metadataDirective(MetadataDirective.COPY)
                .taggingDirective(TaggingDirective.REPLACE)
                .tagging(Tagging.builder().tagSet(tags).build()));
    input.counted(1);
    done.put("quarantinedTo", "s3://" + bucket + "/" + target);
    if (removeOriginal) {
      s3.deleteObject(
          r -> r.bucket(input.bucket()).key(input.key()).versionId(input.event().versionId()));
      input.counted(1);
      done.put("originalRemoved", "true");
    } else {
      done.put("originalRemoved", "false (QUARANTINE_REMOVE=false)");
    }
    return done;
  }

  /**
   * The signature a quarantined copy of this very upload (same ETag) was tagged with, when an
   * earlier attempt moved it there and was killed before it could record so; empty otherwise.
   */
  Optional<String> alreadyQuarantined(Input input) {
    if (bucket == null || input.event().eTag() == null) {
      return Optional.empty();
    }
    try {
      List<Tag> tags =
          input.s3().getObjectTagging(r -> r.bucket(bucket).key(target(input))).tagSet();
      input.counted(1);
      String etag = value(tags, ETAG_TAG);
      return input.event().eTag().equals(etag)
          ? Optional.ofNullable(value(tags, SIGNATURE_TAG))
          : Optional.empty();
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private String target(Input input) {
    return prefix + input.bucket() + "/" + input.key();
  }

  private static String value(List<Tag> tags, String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst().orElse(null);
  }

  /** S3 tag values allow letters, digits, spaces and {@code + - = . _ : / @}; others become _. */
  private static Tag tag(String key, String value) {
    String v = value == null ? "" : value.replaceAll("[^\\p{L}\\p{N} +\\-=._:/@]", "_");
    return Tag.builder().key(key).value(v.length() > 256 ? v.substring(0, 256) : v).build();
  }
}
