package dev.s3proc.handlers.runtime;

/**
 * Output keys derived from source keys, with no path tricks: no "..", no leading "/", no control
 * characters.
 */
public final class SafeKeys {
  private SafeKeys() {}

  public static String derive(String sourceKey) {
    StringBuilder out = new StringBuilder();
    for (String segment : sourceKey.split("/")) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        continue;
      }
      if (out.length() > 0) {
        out.append('/');
      }
      segment.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '_' : c));
    }
    return out.length() == 0 ? "_" : out.toString();
  }

  /** The key without its extension: {@code a/b/photo.jpg} is {@code a/b/photo}. */
  public static String stem(String key) {
    int slash = key.lastIndexOf('/');
    int dot = key.lastIndexOf('.');
    return dot > slash + 1 ? key.substring(0, dot) : key;
  }

  public static String extension(String key) {
    int slash = key.lastIndexOf('/');
    int dot = key.lastIndexOf('.');
    return dot > slash + 1 ? key.substring(dot + 1).toLowerCase(java.util.Locale.ROOT) : "";
  }
}
