package dev.s3proc.cli.render;

import java.util.List;

/**
 * A result that can be shown as a table or CSV. The same record is serialized as-is for JSON and
 * YAML, so its accessors are the stable machine-readable contract.
 */
public interface Tabular {
  List<String> columns();

  List<List<String>> rows();

  /** A table with no record of its own behind it: a section of a larger screen. */
  static Tabular of(List<String> columns, List<List<String>> rows) {
    return new Tabular() {
      @Override
      public List<String> columns() {
        return columns;
      }

      @Override
      public List<List<String>> rows() {
        return rows;
      }
    };
  }
}
