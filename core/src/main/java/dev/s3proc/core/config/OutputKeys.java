package dev.s3proc.core.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where the processors write what they derive from an upload, under the pipeline's output location
 * ({@code outputs:}): {@code thumbnails/<KEY>/w256.jpg}, {@code web/<KEY>.jpg}, {@code
 * text/<KEY>.txt}, where {@code <KEY>} is the upload's key, {@linkplain #encode encoded} so that
 * two different uploads never share an output.
 */
public final class OutputKeys {
  /**
   * Every ending a processor's output key can have. {@code rules validate} uses it to tell whether
   * a rule's suffix can match an output.
   */
  public static final List<String> SUFFIXES = List.of(".jpg", ".png", ".txt", ".mp4", ".json");

  /**
   * The folders each processor writes under, in the output location: what its IAM policy lets it
   * put (and, when its upload is removed, delete), and nothing else.
   */
  public static final java.util.Map<String, List<String>> FOLDERS =
      java.util.Map.of(
          "image", List.of("thumbnails/", "web/"),
          "document", List.of("text/", "previews/"),
          "validate", List.of(),
          "video", List.of("videos/"),
          "pii", List.of("pii/"),
          "scan", List.of());

  private OutputKeys() {}

  /** {@code thumbnails/<KEY>/w<WIDTH>.<EXT>}. */
  public static String thumbnail(String sourceKey, int width, String extension) {
    return "thumbnails/" + encode(sourceKey) + "/w" + width + "." + extension;
  }

  /** {@code videos/<KEY>/<NAME>}: a video's rendition ({@code 720p.mp4}) or poster. */
  public static String video(String sourceKey, String name) {
    return "videos/" + encode(sourceKey) + "/" + name;
  }

  /** {@code pii/<KEY>.json}: where personal data was found in the object (never the values). */
  public static String pii(String sourceKey) {
    return "pii/" + encode(sourceKey) + ".json";
  }

  /**
   * {@code compliance/<KEY>.json}: an upload's compliance report, written by whichever subscriber
   * of the fan-out answers last.
   */
  public static String compliance(String sourceKey) {
    return "compliance/" + encode(sourceKey) + ".json";
  }

  /** {@code web/<KEY>.<EXT>}: the picture optimised for the web. */
  public static String web(String sourceKey, String extension) {
    return "web/" + encode(sourceKey) + "." + extension;
  }

  /** {@code previews/<KEY>/p<PAGE>.png}: a document's page as a picture. */
  public static String preview(String sourceKey, int page) {
    return "previews/" + encode(sourceKey) + "/p" + page + ".png";
  }

  /**
   * {@code text/<KEY>.txt}: the key whole, extension included, so report.pdf and report.docx
   * differ.
   */
  public static String text(String sourceKey) {
    return "text/" + encode(sourceKey) + ".txt";
  }

  /**
   * The source key as a path that tools cannot misread, and no two keys share: every {@code %},
   * every control character, a {@code /} that would start the key, end it or follow another one,
   * and a segment that is {@code .} or {@code ..} are percent-encoded (as UTF-8); everything else
   * is kept. Percent-decoding the result gives the key back, so the encoding is injective: {@code
   * a/./b}, {@code a//b} and {@code a/b} stay three different outputs, where dropping the odd
   * segments made them one.
   */
  public static String encode(String key) {
    StringBuilder out = new StringBuilder(key.length() + 8);
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      if (i > 0) {
        // the slash before this segment: kept when it separates two non-empty segments
        boolean keep = out.length() > 0 && !segments[i - 1].isEmpty() && !segment.isEmpty();
        if (keep) {
          out.append('/');
        } else {
          out.append("%2F");
        }
      }
      if (segment.equals(".") || segment.equals("..")) {
        out.append(segment.replace(".", "%2E"));
        continue;
      }
      segment
          .codePoints()
          .forEach(
              c -> {
                if (c == '%' || Character.isISOControl(c)) {
                  for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(String.format("%02X", b & 0xff));
                  }
                } else {
                  out.appendCodePoint(c);
                }
              });
    }
    return out.toString();
  }
}
