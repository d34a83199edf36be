package dev.s3proc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conventions every command follows, offline. */
class CliTest {
  final Cli cli = new Cli();

  @Test
  void usageErrorsExitTwoWithOneLineAndAHint() {
    Cli.Result r = cli.run("rules", "plan", "--detailed-exit-code");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: Unknown option: '--detailed-exit-code'")
        .contains(
            "Possible solutions: --detailed-exitcode", "Run 's3proc rules plan --help' for usage.");
  }

  @Test
  void aBadAmountSaysSoWithoutJavaInternals() {
    Cli.Result r = cli.run("cost", "report", "--budget", "abc");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: Invalid value for option '--budget': 'abc' is not a number (e.g. 0.01)")
        .doesNotContain("NumberFormatException");
  }

  @Test
  void versionAndHelpWork() {
    assertThat(cli.run("--version").out()).startsWith("s3proc ");
    Cli.Result help = cli.run("rules", "apply", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--dry-run", "--yes", "--endpoint-url", "--profile", "--no-color", "--output");
    // a command list shows each command's first sentence whole
    assertThat(cli.run("dlq", "--help").out())
        .contains("redrive  Move messages from a dead-letter queue back to its source queue");
  }

  @Test
  void validateReportsEveryErrorWithItsLocationAndExitsThree(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("p.yaml");
    Files.writeString(
        f,
        """
        pipeline: media-ingest
        region: us-east-1
        buckets:
          - name: terminus-uploads
            rules:
              - id: docs
                events: [s3:ObjectCreated:*]
                filter: { prefix: uploads/ }
                target: { queue: docs.fifo }
                retries: 3
        """);
    Cli.Result r = cli.run("rules", "validate", "-f", f.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            f + ":9:26: error: rule docs: S3 cannot deliver event notifications to a FIFO queue",
            f + ":10:9: error: rule docs: unknown key 'retries'",
            "2 error(s)");
    assertThat(r.out()).isEmpty();

    Cli.Result json = cli.run("rules", "validate", "-f", f.toString(), "-o", "json");
    assertThat(json.exitCode()).isEqualTo(3);
    assertThat(json.out())
        .contains("\"valid\" : false", "\"line\" : 10", "\"subject\" : \"rule docs\"");
  }

  @Test
  void validateAcceptsTheReferencePipeline() {
    Cli.Result r = cli.run("rules", "validate", "-f", "../config/pipeline.yaml");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "ok ../config/pipeline.yaml: pipeline media-ingest, 1 bucket(s), 6 rule(s) (1 starting"
                + " a workflow), 7 queue(s), 1 workflow(s), 1 fan-out topic(s)");
  }

  @Test
  void aMissingFileIsOneClearLine() {
    Cli.Result r = cli.run("rules", "validate", "-f", "nope.yaml");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("nope.yaml: error: file not found");
  }

  @Test
  void testShowsOnlyTheRulesThatFire() {
    Cli.Result png =
        cli.run(
            "rules",
            "test",
            "-f",
            "../config/pipeline.yaml",
            "--bucket",
            "terminus-uploads",
            "--key",
            "uploads/images/cat.png",
            "-o",
            "csv");
    assertThat(png.exitCode()).isZero();
    assertThat(png.out())
        .isEqualTo(
            "RULE,EVENTS,PREFIX,SUFFIX,TARGET\nprocess-images-png,\"s3:ObjectCreated:*,s3:ObjectRemoved:*,s3:LifecycleExpiration:*,s3:ObjectRestore:*\",uploads/images/,.png,queue image-processing\n");

    Cli.Result video =
        cli.run(
            "rules",
            "test",
            "-f",
            "../config/pipeline.yaml",
            "--bucket",
            "terminus-uploads",
            "--key",
            "uploads/videos/harbour.mp4",
            "-o",
            "csv");
    assertThat(video.exitCode()).isZero();
    assertThat(video.out())
        .as("a workflow rule fires through EventBridge")
        .endsWith(",uploads/videos/,,workflow video\n")
        .startsWith("RULE,EVENTS,PREFIX,SUFFIX,TARGET\nprocess-videos,");

    Cli.Result compliance =
        cli.run(
            "rules",
            "test",
            "-f",
            "../config/pipeline.yaml",
            "--bucket",
            "terminus-uploads",
            "--key",
            "uploads/compliance/customers.csv",
            "-o",
            "csv");
    assertThat(compliance.out())
        .as("a fan-out topic with the queues it delivers to")
        .endsWith(
            ",uploads/compliance/,,\"topic compliance-fanout -> compliance-scan,"
                + " compliance-validation, compliance-pii (fan-out)\"\n");

    Cli.Result none =
        cli.run(
            "rules",
            "test",
            "-f",
            "../config/pipeline.yaml",
            "--bucket",
            "terminus-uploads",
            "--key",
            "uploads/images/cat.png",
            "--event",
            "s3:ObjectTagging:Put",
            "-o",
            "json");
    assertThat(none.out()).contains("\"rules\" : [ ]");
    assertThat(none.err())
        .contains(
            "no rule fires for s3:ObjectTagging:Put on s3://terminus-uploads/uploads/images/cat.png");
  }

  @Test
  void completionScriptsAreCurrent() throws IOException {
    Path committed = Path.of("../completions/s3proc.bash");
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as(
            "completions/ is stale: regenerate with ./mvnw -q -pl cli -am -Pcompletions process-classes")
        .isEqualTo(Completions.bash());
    assertThat(Files.readString(Path.of("../completions/_s3proc"))).isEqualTo(Completions.zsh());
  }

  /** s3proc help COMMAND: the man page as text when piped (man is a README prerequisite). */
  @Test
  void helpShowsACommandsManPage() {
    Cli cli = new Cli().env("S3PROC_HOME", "..");
    Cli.Result page = cli.run("help", "rules", "plan");
    assertThat(page.exitCode()).as(page.toString()).isZero();
    assertThat(page.out()).contains("S3PROC-RULES-PLAN(1)", "NAME", "--detailed-exitcode");
    Cli.Result unknown = cli.run("help", "rules", "plna");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("'plna' is not a command of s3proc rules (did you mean plan?)");
  }

  /** A man page per command, rendered from the picocli model, committed beside the completions. */
  @Test
  void manPagesAreCurrent() throws IOException {
    java.util.Map<String, String> pages = ManPages.asciidoc();
    try (var files = Files.list(Path.of("../completions/man/man1"))) {
      assertThat(files.map(f -> f.getFileName().toString().replaceFirst("\\.1$", "")))
          .as(
              "completions/man/ is stale: regenerate with ./mvnw -q -pl cli -am -Pmanpages test-compile")
          .containsExactlyInAnyOrderElementsOf(pages.keySet());
    }
    assertThat(pages).containsKeys("s3proc", "s3proc-rules-plan", "s3proc-rules-graph");
    try (org.asciidoctor.Asciidoctor asciidoctor = org.asciidoctor.Asciidoctor.Factory.create()) {
      for (var page : pages.entrySet()) {
        assertThat(Files.readString(Path.of("../completions/man/man1/" + page.getKey() + ".1")))
            .as(
                page.getKey()
                    + ".1 is stale: regenerate with ./mvnw -q -pl cli -am -Pmanpages test-compile")
            .isEqualTo(ManPages.troff(asciidoctor, page.getValue()));
      }
    }
  }
}
