package dev.s3proc.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Optional;

/**
 * Reads S3 object events out of a message body, leniently: moto's events have no sequencer or
 * versionId and an eventTime without a zone (taken as UTC); S3's test event carries no object.
 */
public final class S3EventParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private S3EventParser() {}

  /**
   * The object events in a body, or empty when the body is not an S3 event at all (any other JSON,
   * or not JSON). An S3 test event is an S3 event with no objects: an empty list.
   */
  public static Optional<List<S3ObjectEvent>> parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    return root == null ? Optional.empty() : parse(root);
  }

  public static Optional<List<S3ObjectEvent>> parse(JsonNode root) {
    if (root.has("Records") && root.get("Records").isArray()) {
      List<S3ObjectEvent> events = new ArrayList<>();
      for (JsonNode record : root.get("Records")) {
        if (record.has("s3")) {
          events.add(direct(record, S3ObjectEvent.DIRECT));
        } else if (record.has("Sns")) {
          parse(record.path("Sns").path("Message").asText())
              .ifPresent(inner -> inner.forEach(e -> events.add(via(e, S3ObjectEvent.SNS))));
        } else if (record.has("body")) { // an SQS record handed over whole
          parse(record.path("body").asText()).ifPresent(events::addAll);
        }
      }
      return events.isEmpty() && !looksLikeS3(root) ? Optional.empty() : Optional.of(events);
    }
    if ("Notification".equals(root.path("Type").asText()) && root.has("Message")) {
      return parse(root.path("Message").asText())
          .map(list -> list.stream().map(e -> via(e, S3ObjectEvent.SNS)).toList());
    }
    if ("aws.s3".equals(root.path("source").asText()) && root.has("detail")) {
      return Optional.of(List.of(eventBridge(root)));
    }
    if ("s3:TestEvent".equals(root.path("Event").asText())) {
      return Optional.of(List.of());
    }
    return Optional.empty();
  }

  private static boolean looksLikeS3(JsonNode root) {
    for (JsonNode r : root.get("Records")) {
      if (r.has("s3") || r.has("Sns")) {
        return true;
      }
    }
    return false;
  }

  private static S3ObjectEvent direct(JsonNode record, String via) {
    JsonNode s3 = record.path("s3");
    JsonNode object = s3.path("object");
    return new S3ObjectEvent(
        s3.path("bucket").path("name").asText(null),
        decodeKey(object.path("key").asText("")),
        object.path("size").asLong(0),
        text(object, "eTag"),
        text(object, "versionId"),
        text(object, "sequencer"),
        prefixed(record.path("eventName").asText(null)),
        time(record.path("eventTime").asText(null)),
        via,
        text(s3, "configurationId"));
  }

  private static S3ObjectEvent eventBridge(JsonNode root) {
    JsonNode detail = root.path("detail");
    JsonNode object = detail.path("object");
    String type = root.path("detail-type").asText("");
    String name =
        switch (type) {
          case "Object Created" -> "s3:ObjectCreated:" + reason(detail.path("reason").asText(""));
          case "Object Deleted" -> "s3:ObjectRemoved:Delete";
          default -> "s3:" + type.replace(" ", "");
        };
    return new S3ObjectEvent(
        detail.path("bucket").path("name").asText(null),
        object.path("key").asText(""), // EventBridge keys are not URL-encoded
        object.path("size").asLong(0),
        text(object, "etag"),
        text(object, "version-id"),
        text(object, "sequencer"),
        name,
        time(root.path("time").asText(null)),
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
        e.configurationId());
  }

  /** S3 notification keys are form-encoded: {@code %2F} is a slash and {@code +} a space. */
  public static String decodeKey(String key) {
    try {
      return URLDecoder.decode(key, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return key; // not valid form encoding: keep it as sent
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
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
