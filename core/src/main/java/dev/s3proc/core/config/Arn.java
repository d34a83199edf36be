package dev.s3proc.core.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon Resource Name of a notification target: {@code
 * arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE}.
 */
public record Arn(
    String partition, String service, String region, String account, String resource) {
  private static final Pattern FORMAT =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\\d{12})?:(.+)");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

  public static boolean looksLikeArn(String text) {
    return text != null && text.startsWith("arn:");
  }

  public static Optional<Arn> parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Arn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
  }

  public static boolean isRegion(String text) {
    return text != null && REGION.matcher(text).matches();
  }

  /** The last name in the resource: the queue, topic or function name. */
  public String name() {
    if (service.equals("lambda")) {
      // function:NAME or function:NAME:QUALIFIER
      String[] parts = resource.split(":");
      return parts.length > 1 ? parts[1] : resource;
    }
    return resource;
  }

  public static String sqs(String partition, String region, String account, String queue) {
    return "arn:" + partition + ":sqs:" + region + ":" + account + ":" + queue;
  }

  public static String sns(String partition, String region, String account, String topic) {
    return "arn:" + partition + ":sns:" + region + ":" + account + ":" + topic;
  }

  public static String lambda(String partition, String region, String account, String function) {
    return "arn:" + partition + ":lambda:" + region + ":" + account + ":function:" + function;
  }

  @Override
  public String toString() {
    return "arn:"
        + partition
        + ":"
        + service
        + ":"
        + region
        + ":"
        + (account == null ? "" : account)
        + ":"
        + resource;
  }
}
