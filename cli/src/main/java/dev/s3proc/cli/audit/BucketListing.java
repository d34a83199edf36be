package dev.s3proc.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects of a bucket, from ListObjectsV2 (one request per 1,000 keys) or, for buckets too
 * large to list, from an S3 Inventory report (CSV format): its manifest.json names the data files,
 * gzipped CSV with URL-encoded keys in the columns its fileSchema gives.
 */
final class BucketListing {
  /** One object as listed. */
  record Listed(String key, long size, String eTag, Instant lastModified) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ClientFactory clients;

  BucketListing(ClientFactory clients) {
    this.clients = clients;
  }

  void list(String bucket, String prefix, Consumer<Listed> each) {
    try {
      for (var page : clients.s3().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))) {
        for (S3Object o : page.contents()) {
          each.accept(new Listed(o.key(), o.size(), unquote(o.eTag()), o.lastModified()));
        }
      }
    } catch (NoSuchBucketException e) {
      throw S3procException.runtime(
          "bucket " + bucket + " does not exist in " + clients.region() + ": check --bucket");
    }
  }

  /** Every object an inventory report lists for {@code bucket} under {@code prefix}. */
  void inventory(String manifestUri, String bucket, String prefix, Consumer<Listed> each) {
    String[] loc = s3Uri(manifestUri);
    JsonNode manifest;
    try (InputStream in = clients.s3().getObject(r -> r.bucket(loc[0]).key(loc[1]))) {
      manifest = JSON.readTree(in);
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw S3procException.usage("--inventory " + manifestUri + " does not exist");
    } catch (IOException e) {
      throw S3procException.usage(
          "--inventory "
              + manifestUri
              + " is not an S3 Inventory manifest.json: "
              + e.getMessage());
    }
    String format = manifest.path("fileFormat").asText("");
    if (!"CSV".equalsIgnoreCase(format)) {
      throw S3procException.usage(
          "--inventory "
              + manifestUri
              + " is a "
              + (format.isEmpty() ? "manifest without fileFormat" : format + " inventory")
              + ": only CSV inventories are read; configure the inventory with format CSV");
    }
    List<String> schema = new ArrayList<>();
    for (String column : manifest.path("fileSchema").asText("").split(",")) {
      schema.add(column.trim().toLowerCase(Locale.ROOT));
    }
    int keyAt = schema.indexOf("key");
    int bucketAt = schema.indexOf("bucket");
    if (keyAt < 0 || bucketAt < 0) {
      throw S3procException.usage(
          "--inventory "
              + manifestUri
              + ": its fileSchema has no Bucket or Key column: "
              + manifest.path("fileSchema").asText(""));
    }
    String destination =
        manifest.path("destinationBucket").asText(loc[0]).replace("arn:aws:s3:::", "");
    for (JsonNode file : manifest.path("files")) {
      String dataKey = file.path("key").asText();
      try (InputStream raw = clients.s3().getObject(r -> r.bucket(destination).key(dataKey));
          BufferedReader lines =
              new BufferedReader(
                  new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          List<String> f = csv(line);
          if (f.size() <= Math.max(keyAt, bucketAt) || !bucket.equals(f.get(bucketAt))) {
            continue;
          }
          String key = URLDecoder.decode(f.get(keyAt), StandardCharsets.UTF_8);
          if (!key.startsWith(prefix)) {
            continue;
          }
          each.accept(
              new Listed(
                  key,
                  number(column(f, schema, "size")),
                  unquote(column(f, schema, "etag")),
                  instant(column(f, schema, "lastmodifieddate"))));
        }
      } catch (IOException e) {
        throw S3procException.runtime(
            "cannot read inventory file s3://"
                + destination
                + "/"
                + dataKey
                + ": "
                + e.getMessage());
      }
    }
  }

  static String[] s3Uri(String uri) {
    int slash = uri.indexOf('/', 5);
    if (!uri.startsWith("s3://") || slash < 6 || slash == uri.length() - 1) {
      throw S3procException.usage("'" + uri + "' is not s3://BUCKET/KEY");
    }
    return new String[] {uri.substring(5, slash), uri.substring(slash + 1)};
  }

  /** One CSV line as S3 Inventory writes it: every field quoted, quotes doubled inside. */
  static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    fields.add(f.toString());
    return fields;
  }

  private static String column(List<String> f, List<String> schema, String name) {
    int at = schema.indexOf(name);
    return at < 0 || at >= f.size() ? null : f.get(at);
  }

  private static long number(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Instant instant(String s) {
    try {
      return s == null || s.isEmpty() ? null : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  static String unquote(String eTag) {
    return eTag == null ? null : eTag.replace("\"", "");
  }
}
