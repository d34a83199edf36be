package dev.s3proc.cli.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Lets the stock CloudWatch client talk to an emulator that does not speak Smithy RPC v2 CBOR (moto
 * answers 404 to it). Each request's CBOR body is re-encoded as AWS JSON 1.0 with the equivalent
 * X-Amz-Target, and each JSON response is re-encoded as CBOR, timestamps tagged as the RPC v2
 * protocol requires. Installed by {@link ClientFactory} only for loopback endpoints.
 */
final class CborToJsonProtocolAdapter implements ExecutionInterceptor {
  private static final String TARGET_PREFIX = "GraniteServiceVersion20100801";
  private static final ExecutionAttribute<byte[]> JSON_BODY =
      new ExecutionAttribute<>("s3proc.jsonBody");

  /** Response members CloudWatch models as timestamps. */
  private static final Set<String> TIMESTAMPS =
      Set.of(
          "Timestamp",
          "Timestamps",
          "StateUpdatedTimestamp",
          "AlarmConfigurationUpdatedTimestamp",
          "StateTransitionedTimestamp",
          "LastModified",
          "LastUpdateTimestamp",
          "StartTime",
          "EndTime");

  // jackson-core's streaming API, not databind: an ObjectMapper costs a cold command ~35 ms of CPU
  private static final CBORFactory CBOR = new CBORFactory();
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest request = context.httpRequest();
    String path = request.encodedPath();
    int at = path.lastIndexOf("/operation/");
    if (at < 0) {
      return request;
    }
    String operation = path.substring(at + "/operation/".length());
    byte[] json = json(context, attributes);
    SdkHttpRequest.Builder builder =
        request instanceof SdkHttpFullRequest full
            ? full.toBuilder().contentStreamProvider(() -> new java.io.ByteArrayInputStream(json))
            : request.toBuilder();
    return builder
        .encodedPath("/")
        .removeHeader("smithy-protocol")
        .removeHeader("Accept")
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", TARGET_PREFIX + "." + operation)
        .putHeader("Content-Length", Integer.toString(json.length))
        .build();
  }

  @Override
  public Optional<RequestBody> modifyHttpContent(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (!context.httpRequest().encodedPath().contains("/operation/")
        && attributes.getAttribute(JSON_BODY) == null) {
      return context.requestBody();
    }
    return Optional.of(RequestBody.fromBytes(json(context, attributes)));
  }

  /**
   * The request re-encoded as JSON, once: the SDK may call the two modify hooks in either order.
   */
  private static byte[] json(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    byte[] json = attributes.getAttribute(JSON_BODY);
    if (json == null) {
      json = context.requestBody().map(CborToJsonProtocolAdapter::toJson).orElse("{}".getBytes());
      attributes.putAttribute(JSON_BODY, json);
    }
    return json;
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    return context.httpResponse().toBuilder()
        .putHeader("smithy-protocol", "rpc-v2-cbor")
        .putHeader("Content-Type", "application/cbor")
        .removeHeader("Content-Length")
        .build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    return context.responseBody().map(CborToJsonProtocolAdapter::toCbor);
  }

  static byte[] toJson(RequestBody body) {
    try (InputStream in = body.contentStreamProvider().newStream()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return "{}".getBytes();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonParser parser = CBOR.createParser(bytes);
          JsonGenerator gen = JSON.createGenerator(out)) {
        parser.nextToken();
        gen.copyCurrentStructure(parser);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InputStream toCbor(InputStream jsonStream) {
    byte[] bytes;
    try (jsonStream) {
      bytes = jsonStream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser parser = JSON.createParser(bytes.length == 0 ? "{}".getBytes() : bytes);
        CBORGenerator gen = CBOR.createGenerator(out)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        write(gen, parser, token);
      }
    } catch (IOException | java.time.DateTimeException e) {
      // Not moto's JSON (a proxy's error page, say): passed on as it came, so that the SDK
      // reports the answer's HTTP status rather than this adapter's parse error.
      return new java.io.ByteArrayInputStream(bytes);
    }
    return new java.io.ByteArrayInputStream(out.toByteArray());
  }

  /** One JSON token as CBOR; a timestamp member's value (or its array's elements) tagged. */
  private static void write(CBORGenerator gen, JsonParser parser, JsonToken token)
      throws IOException {
    switch (token) {
      case START_OBJECT -> gen.writeStartObject();
      case END_OBJECT -> gen.writeEndObject();
      case START_ARRAY -> gen.writeStartArray();
      case END_ARRAY -> gen.writeEndArray();
      case FIELD_NAME -> gen.writeFieldName(parser.currentName());
      case VALUE_NULL -> gen.writeNull();
      case VALUE_TRUE, VALUE_FALSE -> gen.writeBoolean(token == JsonToken.VALUE_TRUE);
      default -> {
        if (TIMESTAMPS.contains(member(parser))) {
          gen.writeTag(1);
          gen.writeNumber(
              token == JsonToken.VALUE_STRING
                  ? java.time.Instant.parse(parser.getText()).toEpochMilli() / 1000.0
                  : parser.getDoubleValue());
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
          gen.writeNumber(parser.getLongValue());
        } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
          gen.writeNumber(parser.getDoubleValue());
        } else {
          gen.writeString(parser.getText());
        }
      }
    }
  }

  /** The object member a scalar belongs to: its own, or its array's when it is an element. */
  private static String member(JsonParser parser) {
    JsonStreamContext context = parser.getParsingContext();
    if (context.inArray()) {
      context = context.getParent();
    }
    return context == null || context.getCurrentName() == null ? "" : context.getCurrentName();
  }
}
