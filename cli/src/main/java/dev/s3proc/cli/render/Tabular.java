package dev.s3proc.cli.render;

import java.util.List;

/**
 * A result that can be shown as a table or CSV. The same record is serialized as-is for JSON and
 * YAML, so its accessors are the stable machine-readable contract.
 */
public interface Tabular {
  List<String> columns();

  List<List<String>> rows();
}
