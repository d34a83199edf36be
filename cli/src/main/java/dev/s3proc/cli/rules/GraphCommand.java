package dev.s3proc.cli.rules;

import dev.s3proc.cli.Context;
import dev.s3proc.cli.S3procException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "graph",
    mixinStandardHelpOptions = true,
    description = {
      "Draw the pipeline: buckets, rules, queues, topics and workflows, processors, what they write.",
      "From the file alone, offline. Mermaid (paste it into Markdown: GitHub and GitLab draw it), "
          + "Graphviz DOT, or SVG drawn by Graphviz's dot when it is installed."
    })
public class GraphCommand implements Callable<Integer> {
  public enum Format {
    mermaid,
    dot,
    svg
  }

  @Mixin PipelineFile file;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "mermaid",
      description = "mermaid, dot or svg (default: ${DEFAULT-VALUE}).")
  Format format;

  private final Context ctx;

  public GraphCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PipelineGraph graph = PipelineGraph.of(file.load(ctx));
    String text =
        switch (format) {
          case mermaid -> graph.mermaid();
          case dot -> graph.dot();
          case svg -> svg(graph.dot());
        };
    ctx.out().out().print(text);
    ctx.out().out().flush();
    return 0;
  }

  /** The DOT drawn by Graphviz's {@code dot}, found on the PATH. */
  private String svg(String dot) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("dot", "-Tsvg").start();
    } catch (IOException e) {
      throw S3procException.runtime(
          "Graphviz's dot is not installed (apt-get install graphviz): use --format dot and draw"
              + " it elsewhere, or --format mermaid");
    }
    p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] errors;
    String svg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    errors = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw S3procException.runtime(
          "dot could not draw the graph: " + new String(errors, StandardCharsets.UTF_8).strip());
    }
    return svg;
  }
}
