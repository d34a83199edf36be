package dev.s3proc.core.event;

import java.util.List;
import java.util.Map;

/**
 * Lenient accessors for JSON read as plain maps and lists (jackson-jr's {@code JSON.std}): a
 * missing member, a null or a member of another type reads as the default, never as an exception,
 * because events from emulators and older producers leave members out.
 */
public final class Tree {
  private Tree() {}

  /** The value as an object, or an empty one when it is absent or not an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  /** The value as an array, or an empty one when it is absent or not an array. */
  public static List<?> array(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  /**
   * A member as text (numbers and booleans as JSON writes them), or the default when it is absent,
   * null or empty.
   */
  public static String text(Map<String, Object> object, String member, String otherwise) {
    Object v = object.get(member);
    if (v == null || v instanceof Map || v instanceof List) {
      return otherwise;
    }
    String s = v.toString();
    return s.isEmpty() ? otherwise : s;
  }

  /** A member as a whole number (also from text, as SQS attributes carry them), or the default. */
  public static long number(Map<String, Object> object, String member, long otherwise) {
    Object v = object.get(member);
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }
}
