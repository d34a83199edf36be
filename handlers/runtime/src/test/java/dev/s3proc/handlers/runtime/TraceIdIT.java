package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With X-Ray tracing on, each attempt's record names its trace, so a slow file leads to it. */
class TraceIdIT {
  static final String HEADER = "com.amazonaws.xray.traceHeader";

  @AfterEach
  void clear() {
    System.clearProperty(HEADER);
  }

  @Test
  void theTraceOfTheInvocationIsInTheTrail() throws Exception {
    HandlerHarness h = new HandlerHarness();
    ScriptedHandler handler = new ScriptedHandler(h.env(true), input -> {});
    String key = "uploads/images/traced.jpg";
    byte[] bytes = "traced".getBytes(StandardCharsets.UTF_8);
    String eTag = h.put(key, bytes);

    // as the Java runtime sets it for each invocation when the function's tracing is Active
    System.setProperty(
        HEADER, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    h.invoke(handler, h.event("s3-direct-aws.json", key, bytes.length, eTag));

    assertThat(h.history(key).get(0).metadata())
        .containsEntry("traceId", "1-5759e988-bd862e3fe1be46a994272793");
  }

  @Test
  void withoutTracingThereIsNoTraceId() throws Exception {
    HandlerHarness h = new HandlerHarness();
    ScriptedHandler handler = new ScriptedHandler(h.env(true), input -> {});
    String key = "uploads/images/untraced.jpg";
    byte[] bytes = "untraced".getBytes(StandardCharsets.UTF_8);
    h.invoke(handler, h.event("s3-direct-aws.json", key, bytes.length, h.put(key, bytes)));
    assertThat(h.history(key).get(0).metadata()).doesNotContainKey("traceId");
  }
}
