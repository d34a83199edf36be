package dev.s3proc.cli.rules;

import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The picture of a pipeline file: buckets → rules → queues, topics and workflows → processors →
 * what they write, with each queue's DLQ, as nodes and edges; {@link #mermaid()} and {@link #dot()}
 * draw it. Built from the file alone: what the file says, not what the account holds.
 */
public final class PipelineGraph {
  /** What a node stands for; each kind is drawn in a shape of its own. */
  public enum Kind {
    BUCKET,
    RULE,
    QUEUE,
    DLQ,
    TOPIC,
    WORKFLOW,
    FUNCTION,
    PROCESSOR,
    OUTPUT
  }

  public record Node(String id, Kind kind, String label) {}

  /**
   * @param dashed a path taken only on failure (to a DLQ) or by a side effect (a notice)
   */
  public record Edge(String from, String to, String label, boolean dashed) {}

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<Edge> edges = new ArrayList<>();

  public static PipelineGraph of(PipelineConfig config) {
    PipelineGraph g = new PipelineGraph();
    g.build(config);
    return g;
  }

  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  public List<Edge> edges() {
    return List.copyOf(edges);
  }

  private void build(PipelineConfig c) {
    for (PipelineConfig.Bucket b : c.buckets()) {
      String bucket = node(Kind.BUCKET, b.name(), "s3://" + b.name());
      for (PipelineConfig.Rule r : b.rules()) {
        String rule = node(Kind.RULE, b.name() + "/" + r.id(), r.id() + "\n" + filter(r));
        edge(bucket, rule, events(r.events()), false);
        edge(rule, target(c, r.target()), null, false);
      }
      for (PipelineConfig.WorkflowRule w : b.workflowRules()) {
        String rule =
            node(
                Kind.RULE,
                b.name() + "/" + w.id(),
                w.id() + "\n" + filter(w.prefix(), w.suffix()) + "\nvia EventBridge");
        edge(bucket, rule, events(w.events()), false);
        edge(rule, workflow(c, w.workflow()), null, false);
      }
    }
  }

  private String target(PipelineConfig c, PipelineConfig.Target t) {
    if (t.type() == TargetType.QUEUE) {
      return queue(c, t.name());
    }
    if (t.type() == TargetType.LAMBDA) {
      return node(Kind.FUNCTION, t.name(), "λ " + t.name());
    }
    String topic = node(Kind.TOPIC, t.name(), "topic " + t.name());
    PipelineConfig.Topic fanOut = c.topics().get(t.name());
    if (fanOut != null) {
      for (String q : fanOut.subscribers()) {
        edge(topic, queue(c, q), fanOut.rawDelivery() ? "raw" : null, false);
      }
      if (fanOut.report()) {
        String report = output(c, "compliance/", "compliance report per upload");
        for (String q : fanOut.subscribers()) {
          String p = c.queues().get(q).processor();
          if (p != null) {
            edge(processorId(p), report, "last to answer", true);
          }
        }
      }
    }
    return topic;
  }

  private String workflow(PipelineConfig c, String name) {
    PipelineConfig.Workflow w = c.workflows().get(name);
    String id = node(Kind.WORKFLOW, name, "workflow " + name + "\n(Step Functions)");
    if (w != null) {
      edge(id, queue(c, w.queue()), "steps", false);
      if (!w.heavyQueue().equals(w.queue())) {
        edge(id, queue(c, w.heavyQueue()), "heavy steps", false);
      }
    }
    return id;
  }

  /** A queue, its DLQ, and the processor that consumes it with what that writes. */
  private String queue(PipelineConfig c, String name) {
    String id = "queue:" + name;
    if (nodes.containsKey(id)) {
      return id;
    }
    node(Kind.QUEUE, name, "queue " + name);
    PipelineConfig.Queue q = c.queues().get(name);
    if (q == null) {
      return id;
    }
    if (q.dlq() != null) {
      String dlq = node(Kind.DLQ, q.dlq().name(), "DLQ " + q.dlq().name());
      edge(id, dlq, "after " + q.dlq().maxReceiveCount() + " receives", true);
    }
    if (q.processor() != null) {
      String p = processor(c, q.processor());
      edge(id, p, null, false);
    }
    return id;
  }

  private String processor(PipelineConfig c, String name) {
    String id = processorId(name);
    if (nodes.containsKey(id)) {
      return id;
    }
    node(Kind.PROCESSOR, name, "processor " + name);
    for (String folder : OutputKeys.FOLDERS.getOrDefault(name, List.of())) {
      edge(id, output(c, folder, null), "writes", false);
    }
    if ("scan".equals(name) && c.quarantine() != null) {
      String q =
          node(
              Kind.OUTPUT,
              "quarantine",
              "s3://" + c.quarantine().bucket() + "/" + c.quarantine().prefix());
      edge(id, q, "infected uploads", true);
    }
    if (c.results().topic() != null) {
      String results = node(Kind.TOPIC, c.results().topic(), "topic " + c.results().topic());
      edge(id, results, "result notice", true);
    }
    return id;
  }

  private static String processorId(String name) {
    return "processor:" + name;
  }

  private String output(PipelineConfig c, String folder, String note) {
    String bucket = c.outputs().bucket() == null ? "(upload bucket)" : c.outputs().bucket();
    return node(
        Kind.OUTPUT,
        folder,
        "s3://" + bucket + "/" + c.outputs().prefix() + folder + (note == null ? "" : "\n" + note));
  }

  private String node(Kind kind, String name, String label) {
    String id = kind == Kind.PROCESSOR ? processorId(name) : kind.name().toLowerCase() + ":" + name;
    nodes.putIfAbsent(id, new Node(id, kind, label));
    return id;
  }

  private void edge(String from, String to, String label, boolean dashed) {
    Edge e = new Edge(from, to, label, dashed);
    if (!edges.contains(e)) {
      edges.add(e);
    }
  }

  private static String filter(PipelineConfig.Rule r) {
    return filter(r.prefix(), r.suffix());
  }

  private static String filter(String prefix, String suffix) {
    String p = prefix.isEmpty() ? "" : prefix + "*";
    String s = suffix.isEmpty() ? "" : (p.isEmpty() ? "*" : "") + suffix;
    return p.isEmpty() && s.isEmpty() ? "every key" : p + s;
  }

  private static String events(List<String> events) {
    return String.join(", ", events.stream().map(e -> e.replaceFirst("^s3:", "")).toList());
  }

  // ---- drawing -----------------------------------------------------------------------------

  /** Mermaid ({@code flowchart LR}), as GitHub and GitLab render it in Markdown. */
  public String mermaid() {
    Map<String, String> ids = shortIds();
    StringBuilder out = new StringBuilder("flowchart LR\n");
    for (Node n : nodes.values()) {
      String label = "\"" + n.label().replace("\"", "#quot;").replace("\n", "<br/>") + "\"";
      String shape =
          switch (n.kind()) {
            case BUCKET, OUTPUT -> "[(" + label + ")]";
            case RULE -> "{{" + label + "}}";
            case QUEUE, DLQ -> "[/" + label + "/]";
            case TOPIC -> "([" + label + "])";
            case WORKFLOW -> "[[" + label + "]]";
            case FUNCTION, PROCESSOR -> "(" + label + ")";
          };
      out.append("  ").append(ids.get(n.id())).append(shape).append('\n');
    }
    for (Edge e : edges) {
      String arrow = e.dashed() ? "-.->" : "-->";
      String label = e.label() == null ? "" : "|\"" + e.label().replace("\"", "#quot;") + "\"|";
      out.append("  ")
          .append(ids.get(e.from()))
          .append(' ')
          .append(arrow)
          .append(label)
          .append(' ')
          .append(ids.get(e.to()))
          .append('\n');
    }
    return out.toString();
  }

  /** Graphviz DOT: {@code dot -Tsvg} draws it. */
  public String dot() {
    Map<String, String> ids = shortIds();
    StringBuilder out =
        new StringBuilder(
            "digraph pipeline {\n  rankdir=LR;\n  node [fontname=\"Helvetica\" fontsize=11];\n"
                + "  edge [fontname=\"Helvetica\" fontsize=9];\n");
    for (Node n : nodes.values()) {
      String shape =
          switch (n.kind()) {
            case BUCKET, OUTPUT -> "cylinder";
            case RULE -> "hexagon";
            case QUEUE -> "box";
            case DLQ -> "box\" style=\"dashed";
            case TOPIC -> "ellipse";
            case WORKFLOW -> "box3d";
            case FUNCTION, PROCESSOR -> "box\" style=\"rounded";
          };
      out.append("  ")
          .append(ids.get(n.id()))
          .append(" [label=")
          .append(quote(n.label()))
          .append(" shape=\"")
          .append(shape)
          .append("\"];\n");
    }
    for (Edge e : edges) {
      out.append("  ").append(ids.get(e.from())).append(" -> ").append(ids.get(e.to()));
      List<String> attrs = new ArrayList<>();
      if (e.label() != null) {
        attrs.add("label=" + quote(e.label()));
      }
      if (e.dashed()) {
        attrs.add("style=dashed");
      }
      if (!attrs.isEmpty()) {
        out.append(" [").append(String.join(" ", attrs)).append(']');
      }
      out.append(";\n");
    }
    return out.append("}\n").toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** n1, n2, ... in the order nodes were met: ids both languages take without quoting. */
  private Map<String, String> shortIds() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (String id : nodes.keySet()) {
      ids.put(id, "n" + (ids.size() + 1));
    }
    return ids;
  }
}
