package dev.s3proc.core.event;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads S3 object events out of a message body, leniently: moto's events have no sequencer or
 * versionId and an eventTime without a zone (taken as UTC); S3's test event carries no object.
 * Events are read as plain maps and lists (jackson-jr): see {@link Tree} for the accessors.
 */
public final class S3EventParser {
  private S3EventParser() {}

  /**
   * The object events in a body, or empty when the body is not an S3 event at all (any other JSON,
   * or not JSON). An S3 test event is an S3 event with no objects: an empty list.
   */
  public static Optional<List<S3ObjectEvent>> parse(String body) {
    Object root;
    try {
      root = JSON.std.anyFrom(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    return root instanceof Map<?, ?> map ? parse(Tree.object(map)) : Optional.empty();
  }

  /** The object events in an already-read JSON object. */
  public static Optional<List<S3ObjectEvent>> parse(Map<String, Object> root) {
    if (root.get("Records") instanceof List<?> records) {
      List<S3ObjectEvent> events = new ArrayList<>();
      boolean looksLikeS3 = false;
      for (Object r : records) {
        Map<String, Object> record = Tree.object(r);
        if (record.containsKey("s3")) {
          looksLikeS3 = true;
          events.add(direct(record, S3ObjectEvent.DIRECT));
        } else if (record.containsKey("Sns")) {
          looksLikeS3 = true;
          parse(Tree.text(Tree.object(record.get("Sns")), "Message", ""))
              .ifPresent(inner -> inner.forEach(e -> events.add(via(e, S3ObjectEvent.SNS))));
        } else if (record.containsKey("body")) { // an SQS record handed over whole
          parse(Tree.text(record, "body", "")).ifPresent(events::addAll);
        }
      }
      return events.isEmpty() && !looksLikeS3 ? Optional.empty() : Optional.of(events);
    }
    if ("Notification".equals(Tree.text(root, "Type", null)) && root.containsKey("Message")) {
      return parse(Tree.text(root, "Message", ""))
          .map(list -> list.stream().map(e -> via(e, S3ObjectEvent.SNS)).toList());
    }
    if ("aws.s3".equals(Tree.text(root, "source", null)) && root.containsKey("detail")) {
      return Optional.of(List.of(eventBridge(root)));
    }
    if ("s3:TestEvent".equals(Tree.text(root, "Event", null))) {
      return Optional.of(List.of());
    }
    return Optional.empty();
  }

  private static S3ObjectEvent direct(Map<String, Object> record, String via) {
    Map<String, Object> s3 = Tree.object(record.get("s3"));
    Map<String, Object> object = Tree.object(s3.get("object"));
    return new S3ObjectEvent(
        Tree.text(Tree.object(s3.get("bucket")), "name", null),
        decodeKey(Tree.text(object, "key", "")),
        Tree.number(object, "size", 0),
        Tree.text(object, "eTag", null),
        Tree.text(object, "versionId", null),
        Tree.text(object, "sequencer", null),
        prefixed(Tree.text(record, "eventName", null)),
        time(Tree.text(record, "eventTime", null)),
        via,
        Tree.text(s3, "configurationId", null),
        details(record));
  }

  /** What replication and restore events add to the object (S3's event versions 2.2 and 2.3). */
  private static Map<String, String> details(Map<String, Object> record) {
    Map<String, String> out = new java.util.TreeMap<>();
    scalars(record.get("replicationEventData"), out);
    if (record.get("glacierEventData") instanceof Map<?, ?> g) {
      scalars(Tree.object(g).get("restoreEventData"), out);
    }
    return out;
  }

  private static void scalars(Object node, Map<String, String> out) {
    if (node instanceof Map<?, ?> m) {
      Tree.object(m)
          .forEach(
              (k, v) -> {
                if (v != null && !(v instanceof Map) && !(v instanceof List)) {
                  out.put(k, v.toString());
                }
              });
    }
  }

  private static S3ObjectEvent eventBridge(Map<String, Object> root) {
    Map<String, Object> detail = Tree.object(root.get("detail"));
    Map<String, Object> object = Tree.object(detail.get("object"));
    String type = Tree.text(root, "detail-type", "");
    String name =
        switch (type) {
          case "Object Created" -> "s3:ObjectCreated:" + reason(Tree.text(detail, "reason", ""));
          case "Object Deleted" ->
              "Delete Marker Created".equals(Tree.text(detail, "deletion-type", ""))
                  ? "s3:ObjectRemoved:DeleteMarkerCreated"
                  : "s3:ObjectRemoved:Delete";
          case "Object Restore Initiated" -> "s3:ObjectRestore:Post";
          case "Object Restore Completed" -> "s3:ObjectRestore:Completed";
          case "Object Restore Expired" -> "s3:ObjectRestore:Delete";
          default -> "s3:" + type.replace(" ", "");
        };
    return new S3ObjectEvent(
        Tree.text(Tree.object(detail.get("bucket")), "name", null),
        Tree.text(object, "key", ""), // EventBridge keys are not URL-encoded
        Tree.number(object, "size", 0),
        Tree.text(object, "etag", null),
        Tree.text(object, "version-id", null),
        Tree.text(object, "sequencer", null),
        name,
        time(Tree.text(root, "time", null)),
        S3ObjectEvent.EVENTBRIDGE,
        null);
  }

  private static S3ObjectEvent via(S3ObjectEvent e, String via) {
    return new S3ObjectEvent(
        e.bucket(),
        e.key(),
        e.size(),
        e.eTag(),
        e.versionId(),
        e.sequencer(),
        e.eventName(),
        e.eventTime(),
        via,
        e.configurationId(),
        e.details());
  }

  /** S3 notification keys are form-encoded: {@code %2F} is a slash and {@code +} a space. */
  public static String decodeKey(String key) {
    try {
      return URLDecoder.decode(key, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return key; // not valid form encoding: keep it as sent
    }
  }

  private static String prefixed(String eventName) {
    if (eventName == null) {
      return null;
    }
    return eventName.startsWith("s3:") ? eventName : "s3:" + eventName;
  }

  /** EventBridge's reason (PutObject, CopyObject, CompleteMultipartUpload) as S3's event suffix. */
  private static String reason(String reason) {
    String r = reason.replace("Object", "").replace(" ", "");
    return r.isEmpty() ? "Put" : r;
  }

  /** ISO-8601 with or without a zone; without one it is UTC (moto writes it that way). */
  public static Instant time(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
