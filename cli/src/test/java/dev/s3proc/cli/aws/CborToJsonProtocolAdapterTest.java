package dev.s3proc.cli.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The CloudWatch adapter's two re-encodings, without an emulator: what moto answers in JSON must
 * reach the SDK as the CBOR it expects (timestamps tagged, in an array too), and what the SDK sends
 * in CBOR must reach moto as the same JSON.
 */
class CborToJsonProtocolAdapterTest {
  private static final CBORFactory CBOR = new CBORFactory();

  /** One scalar of the CBOR answer: its member's name, its tag (-1 when none) and its value. */
  private record Scalar(String member, int tag, Object value) {}

  @Test
  void timestampsAreTaggedAsEpochSecondsWhereverTheyAre() throws Exception {
    String json =
        "{\"MetricAlarms\":[{\"AlarmName\":\"a\",\"StateValue\":\"ALARM\",\"Threshold\":0.5,"
            + "\"EvaluationPeriods\":1,\"ActionsEnabled\":true,\"Unit\":null,"
            + "\"StateUpdatedTimestamp\":\"2026-11-30T10:00:00Z\"}],"
            + "\"MetricDataResults\":[{\"Id\":\"m0\",\"Timestamps\":[1764496800,1764496860.5],"
            + "\"Values\":[3,4.25]}]}";
    List<Scalar> scalars = scalars(CborToJsonProtocolAdapter.toCbor(stream(json)).readAllBytes());

    assertTrue(
        scalars.contains(new Scalar("StateUpdatedTimestamp", 1, 1796032800.0)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("Timestamps", 1, 1764496800.0)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("Timestamps", 1, 1764496860.5)), scalars::toString);
    // everything else as it was, untagged
    assertTrue(scalars.contains(new Scalar("Values", -1, 3L)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("Values", -1, 4.25)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("Threshold", -1, 0.5)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("StateValue", -1, "ALARM")), scalars::toString);
    assertTrue(scalars.contains(new Scalar("ActionsEnabled", -1, true)), scalars::toString);
    assertTrue(scalars.contains(new Scalar("Unit", -1, null)), scalars::toString);
    assertFalse(scalars.stream().anyMatch(s -> s.tag() == 1 && !s.member().contains("Timestamp")));
  }

  @Test
  void anEmptyAnswerIsAnEmptyObject() throws Exception {
    byte[] cbor = CborToJsonProtocolAdapter.toCbor(stream("")).readAllBytes();
    try (CBORParser p = CBOR.createParser(cbor)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      assertEquals(JsonToken.END_OBJECT, p.nextToken());
    }
  }

  @Test
  void anAnswerThatIsNotJsonPassesAsItCame() throws Exception {
    // a proxy's error page: the SDK then reports the HTTP status, not a parse error of ours
    String html = "<html>502 Bad Gateway</html>";
    byte[] passed = CborToJsonProtocolAdapter.toCbor(stream(html)).readAllBytes();
    assertEquals(html, new String(passed, StandardCharsets.UTF_8));
  }

  @Test
  void aCborRequestReachesMotoAsTheSameJson() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = CBOR.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("AlarmNames");
      g.writeString("s3proc.media-ingest.image-processing-dlq.depth");
      g.writeEndArray();
      g.writeNumberField("MaxRecords", 100);
      g.writeFieldName("StartTime");
      g.writeTag(1);
      g.writeNumber(1764496800.5);
      g.writeBooleanField("ScanBy", false);
      g.writeEndObject();
    }
    String json =
        new String(
            CborToJsonProtocolAdapter.toJson(RequestBody.fromBytes(out.toByteArray())),
            StandardCharsets.UTF_8);
    assertEquals(
        "{\"AlarmNames\":[\"s3proc.media-ingest.image-processing-dlq.depth\"],"
            + "\"MaxRecords\":100,\"StartTime\":1.7644968005E9,\"ScanBy\":false}",
        json);
    assertEquals(
        "{}",
        new String(
            CborToJsonProtocolAdapter.toJson(RequestBody.fromBytes(new byte[0])),
            StandardCharsets.UTF_8));
  }

  private static ByteArrayInputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Scalar> scalars(byte[] cbor) throws Exception {
    List<Scalar> scalars = new ArrayList<>();
    try (CBORParser p = CBOR.createParser(cbor)) {
      String arrayMember = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_ARRAY) {
          arrayMember = p.currentName();
        } else if (t == JsonToken.END_ARRAY) {
          arrayMember = null;
        } else if (t.isScalarValue()) {
          String member = p.getParsingContext().inArray() ? arrayMember : p.currentName();
          Object value =
              switch (t) {
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                case VALUE_NULL -> null;
                default -> p.getText();
              };
          scalars.add(new Scalar(member, p.getCurrentTag(), value));
        }
      }
    }
    return scalars;
  }
}
