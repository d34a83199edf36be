package dev.s3proc.handlers.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A handler whose processor the test scripts: by default it reads the object and writes one output
 * (so effects can be counted); a script can block, fail or throw what a real processor might.
 */
final class ScriptedHandler extends ProcessorHandler {
  /** What the processor does with one input before it writes its output. */
  interface Script {
    void run(Input input) throws Exception;
  }

  ScriptedHandler(Map<String, String> env, Script script) {
    super(new ScriptedProcessor(script), env);
  }

  private record ScriptedProcessor(Script script) implements Processor {
    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public List<String> folders() {
      return List.of("copies/");
    }

    @Override
    public Result process(Input input) throws PermanentFailure, java.io.IOException {
      byte[] bytes;
      try (var in = input.open()) {
        bytes = in.readAllBytes();
      }
      try {
        script.run(input);
      } catch (PermanentFailure | java.io.IOException | RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      String out =
          input.put(
              "copies/" + input.key(),
              ("copy of " + bytes.length + " bytes").getBytes(StandardCharsets.UTF_8),
              "text/plain");
      return new Result(List.of(out), Map.of());
    }
  }
}
