package dev.s3proc.cli.rules;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.config.PipelineConfig;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plans and applies a pipeline: the service behind {@code rules plan}, {@code rules apply} and
 * {@code local up}.
 */
public final class PipelineDeployer {
  private final ClientFactory clients;

  public PipelineDeployer(ClientFactory clients) {
    this.clients = clients;
  }

  public Plan plan(PipelineConfig config) {
    clients.defaultRegion(config.region());
    LiveState live = new LiveStateReader(clients).read(config);
    return NotificationPlanner.plan(config, live);
  }

  public List<Plan.Change> apply(PipelineConfig config, Plan plan, Consumer<Plan.Change> done) {
    return new PlanApplier(clients).apply(plan, config.ownedIdPrefix(), done);
  }
}
