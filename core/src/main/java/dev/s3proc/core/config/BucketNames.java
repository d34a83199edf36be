package dev.s3proc.core.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** S3's general-purpose bucket naming rules. */
public final class BucketNames {
  private static final Pattern CHARS = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
  private static final Pattern IP = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

  private BucketNames() {}

  /** Why a name is not a valid bucket name, or empty when it is. */
  public static Optional<String> problem(String name) {
    if (name.length() < 3 || name.length() > 63) {
      return Optional.of("must be 3 to 63 characters long");
    }
    if (!CHARS.matcher(name).matches()) {
      return Optional.of(
          "may hold only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit");
    }
    if (name.contains("..")) {
      return Optional.of("must not contain two adjacent dots");
    }
    if (IP.matcher(name).matches()) {
      return Optional.of("must not be formatted as an IP address");
    }
    for (String prefix : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
      if (name.startsWith(prefix)) {
        return Optional.of("must not start with '" + prefix + "' (reserved by S3)");
      }
    }
    for (String suffix : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
      if (name.endsWith(suffix)) {
        return Optional.of("must not end with '" + suffix + "' (reserved by S3)");
      }
    }
    return Optional.empty();
  }
}
