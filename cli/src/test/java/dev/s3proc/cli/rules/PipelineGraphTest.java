package dev.s3proc.cli.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.testing.Cli;
import dev.s3proc.core.config.PipelineLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reference pipeline drawn: what a reader must find in the picture, in both languages. */
class PipelineGraphTest {
  static final PipelineGraph GRAPH =
      PipelineGraph.of(PipelineLoader.load(Path.of("../config/pipeline.yaml")).config());

  static String label(String id) {
    return GRAPH.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow().label();
  }

  static boolean edge(String from, String to) {
    return GRAPH.edges().stream().anyMatch(e -> e.from().equals(from) && e.to().equals(to));
  }

  @Test
  void everyRouteFromTheBucketToWhatIsWrittenIsDrawn() {
    assertThat(edge("bucket:terminus-uploads", "rule:terminus-uploads/process-images-jpg"))
        .isTrue();
    assertThat(label("rule:terminus-uploads/process-images-jpg"))
        .isEqualTo("process-images-jpg\nuploads/images/*.jpg");
    assertThat(edge("rule:terminus-uploads/process-images-jpg", "queue:image-processing")).isTrue();
    assertThat(edge("queue:image-processing", "dlq:image-processing-dlq")).isTrue();
    assertThat(edge("queue:image-processing", "processor:image")).isTrue();
    assertThat(edge("processor:image", "output:thumbnails/")).isTrue();
    assertThat(label("output:thumbnails/")).isEqualTo("s3://terminus-processed/thumbnails/");

    // the fan-out: the topic to each subscriber, the report, the quarantine
    for (String q : new String[] {"compliance-scan", "compliance-validation", "compliance-pii"}) {
      assertThat(edge("topic:compliance-fanout", "queue:" + q)).as(q).isTrue();
    }
    assertThat(edge("processor:pii", "output:compliance/")).isTrue();
    assertThat(edge("processor:scan", "output:quarantine")).isTrue();
    assertThat(label("output:quarantine")).isEqualTo("s3://terminus-quarantine/infected/");

    // the workflow, through EventBridge, to its light and heavy queues
    assertThat(label("rule:terminus-uploads/process-videos")).endsWith("via EventBridge");
    assertThat(edge("rule:terminus-uploads/process-videos", "workflow:video")).isTrue();
    assertThat(edge("workflow:video", "queue:video-heavy")).isTrue();
    assertThat(edge("processor:video", "output:videos/")).isTrue();
  }

  @Test
  void mermaidAndDotSayTheSameGraph() {
    String mermaid = GRAPH.mermaid();
    String dot = GRAPH.dot();
    assertThat(mermaid).startsWith("flowchart LR\n");
    assertThat(dot).startsWith("digraph pipeline {").endsWith("}\n");
    long edges = GRAPH.edges().size();
    assertThat(mermaid.lines().filter(l -> l.contains("-->") || l.contains("-.->")).count())
        .isEqualTo(edges);
    assertThat(dot.lines().filter(l -> l.contains(" -> ")).count()).isEqualTo(edges);
    assertThat(mermaid).contains("-.->|\"after 5 receives\"|", "[(\"s3://terminus-uploads\")]");
    assertThat(dot).contains("label=\"after 5 receives\" style=dashed", "shape=\"cylinder\"");
  }

  @Test
  void theCommandPrintsEachFormatAndSaysWhatItNeedsForSvg() {
    Cli cli = new Cli();
    Cli.Result mermaid = cli.run("rules", "graph", "-f", "../config/pipeline.yaml");
    assertThat(mermaid.exitCode()).as(mermaid.toString()).isZero();
    assertThat(mermaid.out()).isEqualTo(GRAPH.mermaid());
    Cli.Result dot = cli.run("rules", "graph", "-f", "../config/pipeline.yaml", "--format", "dot");
    assertThat(dot.out()).isEqualTo(GRAPH.dot());
    Cli.Result bad = cli.run("rules", "graph", "-f", "../config/pipeline.yaml", "--format", "png");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("mermaid, dot, svg");
  }

  /** SVG through Graphviz's dot (a README prerequisite; .ci/run installs it). */
  @Test
  void svgIsDrawnByGraphviz() {
    Cli.Result svg =
        new Cli().run("rules", "graph", "-f", "../config/pipeline.yaml", "--format", "svg");
    assertThat(svg.exitCode()).as(svg.toString()).isZero();
    assertThat(svg.out())
        .startsWith("<?xml")
        .contains("<svg", "s3://terminus&#45;uploads", "compliance&#45;fanout");
  }
}
