package dev.s3proc.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
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

  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

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

  private static byte[] toJson(RequestBody body) {
    try (InputStream in = body.contentStreamProvider().newStream()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return "{}".getBytes();
      }
      return JSON.writeValueAsBytes(CBOR.readTree(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream toCbor(InputStream jsonStream) {
    try (jsonStream) {
      byte[] bytes = jsonStream.readAllBytes();
      JsonNode tree = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (CBORGenerator gen = (CBORGenerator) CBOR.getFactory().createGenerator(out)) {
        write(gen, tree, null);
      }
      return new java.io.ByteArrayInputStream(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(CBORGenerator gen, JsonNode node, String field) throws IOException {
    if (node.isObject()) {
      gen.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        gen.writeFieldName(e.getKey());
        write(gen, e.getValue(), e.getKey());
      }
      gen.writeEndObject();
    } else if (node.isArray()) {
      gen.writeStartArray();
      for (JsonNode element : node) {
        write(gen, element, field);
      }
      gen.writeEndArray();
    } else if (field != null
        && TIMESTAMPS.contains(field)
        && (node.isNumber() || node.isTextual())) {
      gen.writeTag(1);
      gen.writeNumber(
          node.isNumber()
              ? node.asDouble()
              : java.time.Instant.parse(node.asText()).toEpochMilli() / 1000.0);
    } else if (node.isNull()) {
      gen.writeNull();
    } else if (node.isBoolean()) {
      gen.writeBoolean(node.asBoolean());
    } else if (node.isIntegralNumber()) {
      gen.writeNumber(node.asLong());
    } else if (node.isNumber()) {
      gen.writeNumber(node.asDouble());
    } else {
      gen.writeString(node.asText());
    }
  }
}
