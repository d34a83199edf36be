package dev.s3proc.handlers.runtime;

import java.util.Locale;

/** The parts of an object key a processor looks at: its file name and its extension. */
public final class KeyNames {
  private KeyNames() {}

  /** The last segment: {@code a/b/Photo.JPG} is {@code Photo.JPG}. */
  public static String fileName(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /** The extension, lower case, without the dot; empty when there is none. */
  public static String extension(String key) {
    String name = fileName(key);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }
}
