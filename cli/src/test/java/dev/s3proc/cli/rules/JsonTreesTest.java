package dev.s3proc.cli.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan reads and writes its JSON without an ObjectMapper: the trees and the text must be the
 * ones an ObjectMapper makes, or a live policy would compare unequal to the same policy.
 */
class JsonTreesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** An event sample from the handlers' tests, its placeholders (some unquoted) filled in. */
  private static String sample(String name) throws Exception {
    return Files.readString(Path.of("../handlers/runtime/src/test/resources/events/" + name))
        .replaceAll("\\$\\{[A-Z_]+}", "7");
  }

  static List<String> documents() throws Exception {
    return List.of(
        // AWS Lambda Developer Guide's EventBridge sample (handlers/runtime's test events)
        sample("eventbridge-object-created.json"),
        sample("sqs-sns-wrapped.json"),
        // the reference pipeline's state machine
        Files.readString(Path.of("../config/video.asl.json")),
        // a queue policy as SQS returns it, with a policy another tool wrote beside s3proc's
        "{\"Version\":\"2012-10-17\",\"Id\":\"x\",\"Statement\":[{\"Sid\":\"s3proc.media-ingest"
            + ".terminus-uploads\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws"
            + ".com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:1234"
            + "56789012:image-processing\",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aw"
            + "s:s3:::terminus-uploads\"},\"StringEquals\":{\"aws:SourceAccount\":\"123456789012"
            + "\"}}},{\"Sid\":\"other\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"sq"
            + "s:*\"],\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false}}}]}",
        // numbers of every size, escapes, nulls, empty containers, content after the value
        "{\"maxReceiveCount\":5,\"big\":12345678901,\"huge\":123456789012345678901234567890,"
            + "\"f\":1.5e3,\"neg\":-0.25,\"s\":\"a\\\"b\\u00e9\\n\",\"n\":null,\"t\":true,"
            + "\"e\":{},\"a\":[],\"nested\":[[1,[2,{\"x\":[]}]]]} trailing",
        "  [1, \"two\", 3.0]  ",
        "\"just a string\"",
        "");
  }

  @ParameterizedTest
  @MethodSource("documents")
  void readsTheTreeAnObjectMapperReads(String json) throws Exception {
    JsonNode ours = JsonTrees.read(json);
    JsonNode theirs = MAPPER.readTree(json);

    assertThat(ours).isEqualTo(theirs);
    if (!ours.isMissingNode()) { // empty text: nothing to write
      assertThat(JsonTrees.write(ours)).isEqualTo(MAPPER.writeValueAsString(theirs));
    }
  }

  @ParameterizedTest
  @MethodSource("documents")
  void writtenTextReadsBackToTheSameTree(String json) throws Exception {
    JsonNode tree = JsonTrees.read(json);
    if (!tree.isMissingNode()) {
      assertThat(JsonTrees.read(JsonTrees.write(tree))).isEqualTo(tree);
    }
  }

  @ParameterizedTest
  @MethodSource("broken")
  void brokenTextFailsAsAnObjectMapperFails(String json) {
    assertThatThrownBy(() -> MAPPER.readTree(json)).isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> JsonTrees.read(json)).isInstanceOf(JsonProcessingException.class);
  }

  static List<String> broken() {
    return List.of(
        "{\"a\":",
        "[1, 2",
        "{\"a\" 1}",
        "<html>502 Bad Gateway</html>",
        // deeper than jackson-core's nesting limit: refused, not a stack overflow
        "[".repeat(100_000));
  }

  @org.junit.jupiter.api.Test
  void noTextIsAMissingTree() throws Exception {
    assertThat(JsonTrees.read(null).isMissingNode()).isTrue();
    assertThat(NotificationPlanner.tree("not json").isObject()).isTrue();
  }
}
