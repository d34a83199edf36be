package dev.s3proc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The man pages, one per command ({@code s3proc.1}, {@code s3proc-rules.1}, {@code
 * s3proc-rules-plan.1}, ...): the picocli model written as AsciiDoc by picocli-codegen's {@link
 * ManPageGenerator}, rendered to troff by Asciidoctor's manpage converter, into {@code
 * completions/man/man1/} beside the completions. Run by {@code ./mvnw -q -pl cli -am -Pmanpages
 * test-compile}; {@code CliTest} fails when the committed pages are stale.
 */
public final class ManPages {
  private ManPages() {}

  /** Every command's page as AsciiDoc, by file name ({@code s3proc-rules-plan}). */
  public static Map<String, String> asciidoc() {
    StringWriter sink = new StringWriter();
    PrintWriter w = new PrintWriter(sink);
    CommandLine root = CliFactory.create(new CliFactory.Io(w, w, null, Map.of(), false));
    Map<String, String> pages = new LinkedHashMap<>();
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    for (CommandLine c : all) {
      StringWriter page = new StringWriter();
      try (PrintWriter pw = new PrintWriter(page)) {
        ManPageGenerator.writeSingleManPage(pw, c.getCommandSpec());
      }
      // the version line names the JVM and OS that generated it: not part of the page
      pages.put(
          c.getCommandSpec().qualifiedName("-"),
          page.toString().replaceAll("(?m)^:man(source|version):.*$", ":man$1: s3proc"));
    }
    return pages;
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().stream().distinct().forEach(s -> collect(s, out));
  }

  /** The troff of one page, as {@code man} reads it. */
  public static String troff(Asciidoctor asciidoctor, String asciidoc) {
    // no date: a page changes when its command does, not each day it is generated
    return asciidoctor.convert(
        asciidoc,
        Options.builder()
            .backend("manpage")
            .standalone(true)
            .safe(SafeMode.SAFE)
            .attributes(
                org.asciidoctor.Attributes.builder()
                    .attribute("docdate", "")
                    .attribute("revdate", "")
                    .attribute("reproducible", "")
                    .build())
            .build());
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "completions/man").resolve("man1");
    Files.createDirectories(dir);
    try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
      for (Map.Entry<String, String> page : asciidoc().entrySet()) {
        Files.writeString(
            dir.resolve(page.getKey() + ".1"),
            troff(asciidoctor, page.getValue()),
            StandardCharsets.UTF_8);
      }
    }
  }
}
