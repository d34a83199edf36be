package dev.s3proc.handlers.runtime;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * A workflow step's answers to Step Functions: heartbeats, success, failure. Only the handlers that
 * run workflow steps carry the Step Functions client (the video handler); this class is loaded on
 * the first step's message, so the others never need it.
 */
final class WorkflowTasks {
  private final SfnClient sfn;

  WorkflowTasks(SdkHttpClient http, Region region, AwsCredentialsProvider credentials) {
    var builder = SfnClient.builder().httpClient(http).credentialsProvider(credentials);
    if (region != null) {
      builder.region(region);
    }
    this.sfn = builder.build();
  }

  void heartbeat(String token) {
    sfn.sendTaskHeartbeat(r -> r.taskToken(token));
  }

  void succeed(String token, String outputJson) {
    sfn.sendTaskSuccess(r -> r.taskToken(token).output(outputJson));
  }

  void fail(String token, String error, String cause) {
    sfn.sendTaskFailure(r -> r.taskToken(token).error(error).cause(cause));
  }

  /**
   * Whether Step Functions no longer waits for this token (it timed out, or was answered): a 400.
   * Nobody is left to answer, and a retry of the step carries a new token.
   */
  static boolean noLongerAwaited(RuntimeException e) {
    return e instanceof SfnException s && s.statusCode() == 400;
  }
}
