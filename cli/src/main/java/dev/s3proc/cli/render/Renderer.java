package dev.s3proc.cli.render;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import com.github.freva.asciitable.OverflowBehaviour;
import dev.s3proc.cli.GlobalOptions.Format;
import java.io.UncheckedIOException;
import java.util.List;

/** Turns result records into table, JSON, YAML or CSV text: the one place output is formatted. */
public final class Renderer {
  // Each mapper is built on first use, in its own holder: a table never pays for Jackson's YAML.
  private static final class Json {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
  }

  private static final class Yaml {
    static final ObjectMapper MAPPER =
        YAMLMapper.builder(
                YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
  }

  private static final class Csv {
    static final CsvMapper MAPPER =
        CsvMapper.builder()
            .enable(
                com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();
  }

  private static final int MAX_CELL = 80;

  private Renderer() {}

  public static String render(Object result, Format format) {
    try {
      return switch (format) {
        case json -> Json.MAPPER.writeValueAsString(result) + "\n";
        case yaml -> Yaml.MAPPER.writeValueAsString(result);
        case csv -> csv(asTabular(result));
        case table -> table(asTabular(result));
      };
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String table(Tabular t) {
    List<List<String>> rows = t.rows();
    if (rows.isEmpty()) {
      return "";
    }
    Column[] columns =
        t.columns().stream()
            .map(
                h ->
                    new Column()
                        .header(h)
                        .headerAlign(HorizontalAlign.LEFT)
                        .dataAlign(HorizontalAlign.LEFT)
                        .maxWidth(MAX_CELL, OverflowBehaviour.ELLIPSIS_RIGHT))
            .toArray(Column[]::new);
    Object[][] data =
        rows.stream()
            .map(r -> r.stream().map(c -> c == null ? "" : c).toArray())
            .toArray(Object[][]::new);
    return AsciiTable.builder()
            .border(AsciiTable.NO_BORDERS)
            .data(columns, data)
            .asString()
            .stripTrailing()
        + "\n";
  }

  private static String csv(Tabular t) throws JsonProcessingException {
    StringBuilder sb = new StringBuilder();
    sb.append(Csv.MAPPER.writeValueAsString(t.columns()));
    for (List<String> row : t.rows()) {
      sb.append(Csv.MAPPER.writeValueAsString(row.stream().map(c -> c == null ? "" : c).toList()));
    }
    return sb.toString();
  }

  private static Tabular asTabular(Object result) {
    if (result instanceof Tabular t) {
      return t;
    }
    throw new IllegalArgumentException(result.getClass().getSimpleName() + " has no table form");
  }
}
